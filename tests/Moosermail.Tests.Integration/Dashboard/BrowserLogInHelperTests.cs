using Moosermail.Tests.Integration.Resend;

namespace Moosermail.Tests.Integration.Dashboard;

/// <summary>Browser tests log in through <see cref="BrowserPages"/> only: no test class carries a log-in helper of its own.</summary>
public sealed class BrowserLogInHelperTests
{
    [Fact]
    public void OnlyBrowserPages_FillsTheLogInForm()
    {
        var tests = Path.GetFullPath(Path.Combine(NodeTools.Directory, "..", "..", "tests", "Moosermail.Tests.Integration"));
        var sources = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        var own = sources.Where(f => Path.GetFileName(f) is not (nameof(BrowserPages) + ".cs" or nameof(BrowserLogInHelperTests) + ".cs"))
            .Where(f => File.ReadAllText(f) is var text
                && (text.Contains("\"app/#/login\"", StringComparison.Ordinal) || text.Contains("Name = \"Log in\" }", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(tests, f))
            .ToList();

        Assert.Contains(sources, f => Path.GetFileName(f) == nameof(BrowserPages) + ".cs");
        Assert.Empty(own);
    }
}

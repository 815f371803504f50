using System.Text.RegularExpressions;

namespace Moosermail.Tests.Unit.Security;

/// <summary>
/// "Every query is parameterized": no SQL text in core is built by interpolation or concatenation, so a
/// value can only ever reach Postgres as a parameter.
/// </summary>
public sealed partial class SqlParameterizationTests
{
    [Fact]
    public void CoreSource_HasNoInterpolatedOrConcatenatedSql()
    {
        var core = Path.Combine(RepositoryRoot(), "core");
        var offenders = new List<string>();

        foreach (var file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            offenders.AddRange(InterpolatedSql().Matches(text).Select(m => $"{Path.GetRelativePath(core, file)}: {m.Value.Trim()[..Math.Min(60, m.Value.Trim().Length)]}"));
            offenders.AddRange(ConcatenatedSql().Matches(text).Select(m => $"{Path.GetRelativePath(core, file)}: {m.Value.Trim()}"));
        }

        Assert.Empty(offenders);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Moosermail.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Moosermail.sln not found above the test binaries.");
    }

    // $"..." or $"""...""" whose text holds a SQL statement (not just a word like DELETE in a message).
    [GeneratedRegex(@"\$""{1,3}[^""]*\b(SELECT\b[^""]*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", RegexOptions.Singleline)]
    private static partial Regex InterpolatedSql();

    // "...SELECT ... FROM ..." + something.
    [GeneratedRegex(@"""[^""\n]*\b(SELECT\b[^""\n]*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|WHERE)\b[^""\n]*""\s*\+")]
    private static partial Regex ConcatenatedSql();
}

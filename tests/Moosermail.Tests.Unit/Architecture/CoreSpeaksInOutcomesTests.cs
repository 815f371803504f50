using System.Reflection;
using System.Text.RegularExpressions;
using Moosermail.Core.Errors;

namespace Moosermail.Tests.Unit.Architecture;

/// <summary>
/// Core says what happened (records and the typed outcomes of core/Errors/Outcomes.cs); only functions/ turns
/// that into HTTP. These tests keep HTTP out of core: its assembly references, its types and its source.
/// core/Resend is the one exception: it is an HTTP client of Resend, and reads Resend's statuses.
/// </summary>
public sealed partial class CoreSpeaksInOutcomesTests
{
    private static readonly Assembly s_core = typeof(OutcomeException).Assembly;

    [Fact]
    public void CoreAssembly_ReferencesNoAspNetCoreOrFunctionsAssembly()
    {
        var references = s_core.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.Azure.Functions", StringComparison.Ordinal));
    }

    [Fact]
    public void CoreTypes_CarryNoHttpStatus()
    {
        var offenders = s_core.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Moosermail.Core.Resend", StringComparison.Ordinal) != true)
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(p => (Type: t, Property: p)))
            .Where(m => m.Property.PropertyType == typeof(int) || m.Property.PropertyType == typeof(int?))
            .Where(m => m.Property.Name.Contains("Status", StringComparison.Ordinal))
            .Select(m => $"{m.Type.FullName}.{m.Property.Name}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void CoreSource_NamesNoHttpStatusOrAspNetType()
    {
        var offenders = new List<string>();
        foreach (var file in CoreSourceFiles())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                var comment = line.TrimStart().StartsWith("//", StringComparison.Ordinal);
                if (HttpTypes().IsMatch(line) || (comment && StatusNumber().IsMatch(line)))
                {
                    offenders.Add($"{Path.GetRelativePath(RepositoryRoot(), file)}:{i + 1}: {line.Trim()}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "core/ names HTTP (throw a typed outcome from core/Errors/Outcomes.cs instead):\n" + string.Join('\n', offenders));
    }

    private static IEnumerable<string> CoreSourceFiles()
    {
        var core = Path.Combine(RepositoryRoot(), "core");
        var resend = Path.Combine(core, "Resend") + Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(resend, StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        return files;
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

    [GeneratedRegex(@"\b(HttpStatusCode|StatusCodes|Microsoft\.AspNetCore|IResult|ProblemDetails|HttpContext|HttpRequest|HttpResponse)\b|httpstatuses\.io")]
    private static partial Regex HttpTypes();

    /// <summary>A 4xx or 5xx standing alone in a comment: the sign of a rule written in terms of the answer's status.</summary>
    [GeneratedRegex(@"(?<![\w.])(4[0-2]\d|5\d\d)(?![\w])")]
    private static partial Regex StatusNumber();
}

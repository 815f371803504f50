namespace Moosermail.Tests.Infra.Bicep;

/// <summary>Every .bicep file under infra/ compiles and lints clean: a linter warning fails the run.</summary>
public sealed class BicepLintTests
{
    // One lint per file, all started at once (each takes seconds of CPU); the theory cases read their own.
    private static readonly Lazy<Task<Dictionary<string, IReadOnlyList<string>>>> s_lint = new(async () =>
    {
        var files = Files();
        var results = await Task.WhenAll(files.Select(BicepCli.LintAsync));
        return files.Zip(results).ToDictionary(pair => pair.First, pair => pair.Second);
    });

    public static TheoryData<string> BicepFiles() => new(Files());

    private static List<string> Files() =>
        Directory.EnumerateFiles(BuildInfo.InfraDirectory, "*.bicep", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(BuildInfo.InfraDirectory, file))
            .Order(StringComparer.Ordinal)
            .ToList();

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task BicepFile_Lint_HasNoWarningsOrErrors(string file)
    {
        var diagnostics = (await s_lint.Value)[file];

        Assert.True(diagnostics.Count == 0, $"bicep lint {file}:\n{string.Join('\n', diagnostics)}");
    }

    [Fact]
    public async Task MainBicep_Build_ProducesAnArmTemplate()
    {
        var template = await CompiledTemplate.MainAsync();

        Assert.NotEmpty(template.Resources);
        Assert.NotNull(template.Root["outputs"]);
    }

    [Fact]
    public void BicepFiles_AreFound()
    {
        // Guards the theory above against silently running over nothing.
        Assert.True(Files().Count >= 10);
    }
}

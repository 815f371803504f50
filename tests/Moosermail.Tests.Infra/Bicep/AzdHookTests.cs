using System.Text.RegularExpressions;

namespace Moosermail.Tests.Infra.Bicep;

/// <summary>
/// `azd up` runs the migrations between provisioning and deploying: azure.yaml wires the hook, and every
/// deployment output the hook reads exists in main.bicep.
/// </summary>
public sealed partial class AzdHookTests
{
    private static readonly string s_hook = Path.Combine(BuildInfo.InfraDirectory, "hooks", "migrate.sh");

    [Fact]
    public void AzureYaml_PostprovisionHook_RunsTheMigrateScript()
    {
        var yaml = File.ReadAllText(Path.Combine(BuildInfo.RepositoryRoot, "azure.yaml"));

        Assert.Matches(@"(?s)hooks:\s+postprovision:.*run: bash infra/hooks/migrate\.sh", yaml);
        Assert.True(File.Exists(s_hook));
    }

    [Fact]
    public async Task MigrateHook_EveryOutputItReads_IsADeploymentOutput()
    {
        var outputs = (await CompiledTemplate.MainAsync()).Root["outputs"]!.AsObject().Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var needed = RequiredVariables().Match(File.ReadAllText(s_hook)).Groups[1].Value
            .Split([' ', '\\', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(name => name is not ("AZURE_RESOURCE_GROUP")) // azd's own environment, not an output
            .ToList();

        Assert.NotEmpty(needed);
        Assert.All(needed, name => Assert.Contains(name, outputs));
    }

    [GeneratedRegex(@"for var in ([A-Z_ \\\n]+); do")]
    private static partial Regex RequiredVariables();
}

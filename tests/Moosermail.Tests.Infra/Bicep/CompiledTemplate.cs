using System.Text.Json.Nodes;

namespace Moosermail.Tests.Infra.Bicep;

/// <summary>
/// infra/main.bicep compiled to ARM JSON once per test run, with every resource of every nested deployment
/// (the modules) flattened into one list, so a test can ask "every Key Vault" wherever a module declares it.
/// </summary>
public sealed class CompiledTemplate
{
    private static readonly Lazy<Task<CompiledTemplate>> s_main = new(() => CompileAsync(Path.Combine(BuildInfo.InfraDirectory, "main.bicep")));

    private CompiledTemplate(JsonObject root, string text)
    {
        Root = root;
        Text = text;
        Resources = Flatten(root).ToList();
    }

    public JsonObject Root { get; }

    /// <summary>The whole template as text, for "this must appear nowhere" checks.</summary>
    public string Text { get; }

    public IReadOnlyList<JsonObject> Resources { get; }

    public static Task<CompiledTemplate> MainAsync() => s_main.Value;

    public static async Task<CompiledTemplate> CompileAsync(string file)
    {
        var result = await BicepCli.RunAsync("build", file, "--stdout");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build {file} failed ({result.ExitCode}):\n{result.StandardError}");
        }

        return new CompiledTemplate(JsonNode.Parse(result.StandardOutput)!.AsObject(), result.StandardOutput);
    }

    public IReadOnlyList<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase)).ToList();

    public JsonObject OnlyOne(string type)
    {
        var all = OfType(type);
        Assert.True(all.Count == 1, $"expected exactly one {type}, found {all.Count}");
        return all[0];
    }

    private static IEnumerable<JsonObject> Flatten(JsonObject template)
    {
        var resources = template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject symbolic => symbolic.Select(pair => pair.Value).OfType<JsonObject>(),
            _ => [],
        };
        foreach (var resource in resources)
        {
            yield return resource;
            if (resource["properties"] is JsonObject properties && properties["template"] is JsonObject nested)
            {
                foreach (var inner in Flatten(nested))
                {
                    yield return inner;
                }
            }
        }
    }
}

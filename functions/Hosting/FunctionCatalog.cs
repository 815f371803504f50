using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moosermail.Functions.Hosting;

/// <summary>An HTTP-triggered function as the build's functions.metadata describes it.</summary>
public sealed record HttpFunction(string Name, MethodInfo Method, string Route, IReadOnlyList<string> Methods);

/// <summary>A timer-triggered function and its NCRONTAB schedule.</summary>
public sealed record TimerFunction(string Name, MethodInfo Method, string Schedule);

/// <summary>
/// Reads functions.metadata, the file the Worker SDK generates at build time and the Functions host
/// reads to index the app. Serving exactly what it lists keeps the local host and func start in step.
/// </summary>
public sealed class FunctionCatalog
{
    public const string MetadataFileName = "functions.metadata";

    private FunctionCatalog(IReadOnlyList<HttpFunction> http, IReadOnlyList<TimerFunction> timers, int count)
    {
        Http = http;
        Timers = timers;
        Count = count;
    }

    public IReadOnlyList<HttpFunction> Http { get; }

    public IReadOnlyList<TimerFunction> Timers { get; }

    /// <summary>Every function in the metadata, of any trigger.</summary>
    public int Count { get; }

    public static FunctionCatalog Load(string directory, Assembly assembly)
    {
        var path = Path.Combine(directory, MetadataFileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing; build the functions project (dotnet build functions) so the Worker SDK generates it.");
        }

        var entries = JsonSerializer.Deserialize<List<MetadataEntry>>(File.ReadAllText(path)) ?? [];
        var http = new List<HttpFunction>();
        var timers = new List<TimerFunction>();
        foreach (var entry in entries)
        {
            var method = ResolveMethod(assembly, entry.EntryPoint);
            var trigger = entry.Bindings.Single(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));
            switch (trigger.Type.ToUpperInvariant())
            {
                case "HTTPTRIGGER":
                    http.Add(new HttpFunction(entry.Name, method, trigger.Route ?? entry.Name, (trigger.Methods ?? ["get", "post", "put", "patch", "delete"]).Select(m => m.ToUpperInvariant()).ToList()));
                    break;
                case "TIMERTRIGGER":
                    timers.Add(new TimerFunction(entry.Name, method, trigger.Schedule ?? throw new InvalidOperationException($"{entry.Name} has no schedule.")));
                    break;
                default:
                    throw new InvalidOperationException($"{entry.Name}: the local host does not serve {trigger.Type} triggers.");
            }
        }

        return new FunctionCatalog(http, timers, entries.Count);
    }

    private static MethodInfo ResolveMethod(Assembly assembly, string entryPoint)
    {
        var split = entryPoint.LastIndexOf('.');
        var type = assembly.GetType(entryPoint[..split], throwOnError: true)!;
        return type.GetMethod(entryPoint[(split + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{entryPoint} is not a public method.");
    }

    private sealed record MetadataEntry(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("entryPoint")] string EntryPoint,
        [property: JsonPropertyName("bindings")] List<MetadataBinding> Bindings);

    private sealed record MetadataBinding(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("route")] string? Route,
        [property: JsonPropertyName("methods")] List<string>? Methods,
        [property: JsonPropertyName("schedule")] string? Schedule);
}

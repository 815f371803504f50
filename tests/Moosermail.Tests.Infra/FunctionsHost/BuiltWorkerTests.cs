using System.Reflection;
using System.Text.Json.Nodes;
using Cronos;
using Microsoft.Azure.Functions.Worker;

namespace Moosermail.Tests.Infra.FunctionsHost;

/// <summary>
/// `func start` cannot run on the build machines (its installer downloads a binary), so these tests read
/// what the Functions host would read from the built worker and check what it needs: every [Function] is
/// indexed in functions.metadata, host.json's route prefix, valid NCRONTAB schedules, the worker config
/// and the worker extensions the host loads.
/// </summary>
public sealed class BuiltWorkerTests
{
    private static readonly string s_output = Path.Combine(BuildInfo.RepositoryRoot, "functions", "bin", BuildInfo.Configuration, "net10.0");

    private static readonly Assembly s_worker = typeof(Moosermail.Functions.Hosting.FunctionCatalog).Assembly;

    [Fact]
    public void FunctionsMetadata_ListsEveryFunctionInTheWorker()
    {
        var indexed = Metadata().Select(f => (string)f["name"]!).Order(StringComparer.Ordinal).ToList();
        var declared = s_worker.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => m.GetCustomAttribute<FunctionAttribute>()?.Name)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(declared);
        Assert.Equal(declared, indexed);
    }

    [Fact]
    public void FunctionsMetadata_EveryEntryPointResolvesInTheWorkerDll()
    {
        Assert.All(Metadata(), function =>
        {
            Assert.Equal("Moosermail.Functions.dll", (string?)function["scriptFile"]);
            var entryPoint = (string)function["entryPoint"]!;
            var split = entryPoint.LastIndexOf('.');
            var type = s_worker.GetType(entryPoint[..split]);
            Assert.True(type?.GetMethod(entryPoint[(split + 1)..]) is not null, $"{entryPoint} does not resolve");
        });
    }

    [Fact]
    public void FunctionsMetadata_HttpTriggers_AreAnonymousWithARoute()
    {
        // Identity is the app's own (worker middleware); a function key would lock every caller out.
        var http = Triggers("httpTrigger").ToList();

        Assert.NotEmpty(http);
        Assert.All(http, trigger =>
        {
            Assert.Equal("Anonymous", (string?)trigger["authLevel"], StringComparer.OrdinalIgnoreCase);
            Assert.False(string.IsNullOrWhiteSpace((string?)trigger["route"]));
        });
    }

    [Fact]
    public void FunctionsMetadata_TimerSchedules_AreValidSixFieldNcrontab()
    {
        var timers = Triggers("timerTrigger").ToList();

        Assert.NotEmpty(timers);
        Assert.All(timers, trigger =>
        {
            var schedule = (string)trigger["schedule"]!;
            // NCRONTAB on Flex Consumption: {second} {minute} {hour} {day} {month} {day-of-week}.
            Assert.Equal(6, schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
            var expression = CronExpression.Parse(schedule, CronFormat.IncludeSeconds);
            Assert.NotNull(expression.GetNextOccurrence(DateTime.UtcNow));
        });
    }

    [Fact]
    public void HostJson_IsVersion2WithTheApiRoutePrefix()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(s_output, "host.json")))!;

        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Equal("api", (string?)host["extensions"]?["http"]?["routePrefix"]);
        // An isolated worker brings its extensions itself (below); a bundle would load a second, mismatched set.
        Assert.Null(host["extensionBundle"]);
    }

    [Fact]
    public void WorkerConfig_StartsThisDllAsDotnetIsolated()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(s_output, "worker.config.json")))!["description"]!;

        Assert.Equal("dotnet-isolated", (string?)config["language"]);
        var workerPath = (string)config["defaultWorkerPath"]!;
        Assert.True(File.Exists(Path.Combine(s_output, workerPath)), $"{workerPath} is not in the build output");
    }

    [Fact]
    public void WorkerExtensions_TheHostLoadsArePresent()
    {
        var extensions = JsonNode.Parse(File.ReadAllText(Path.Combine(s_output, "extensions.json")))!["extensions"]!.AsArray();

        Assert.NotEmpty(extensions);
        Assert.All(extensions, extension =>
        {
            var hintPath = (string)extension!["hintPath"]!;
            Assert.True(File.Exists(Path.Combine(s_output, hintPath)), $"{hintPath} is missing");
        });
        Assert.True(File.Exists(Path.Combine(s_output, ".azurefunctions", "Microsoft.Azure.Functions.Worker.Extensions.dll")));
    }

    private static IReadOnlyList<JsonObject> Metadata()
    {
        var path = Path.Combine(s_output, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build the functions project");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray().OfType<JsonObject>().ToList();
    }

    private static IEnumerable<JsonObject> Triggers(string type) =>
        Metadata().SelectMany(f => f["bindings"]!.AsArray().OfType<JsonObject>())
            .Where(b => string.Equals((string?)b["type"], type, StringComparison.OrdinalIgnoreCase));
}

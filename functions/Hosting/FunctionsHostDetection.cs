namespace Moosermail.Functions.Hosting;

/// <summary>
/// The Functions host (func start, Azure) launches the worker with the gRPC endpoint on the command line.
/// Without those arguments no host is there to talk to, so the app serves its functions itself.
/// </summary>
public static class FunctionsHostDetection
{
    private static readonly string[] s_hostArguments = ["--functions-uri", "--functions-worker-id", "--workerId", "--host"];

    public static bool StartedByFunctionsHost(IEnumerable<string> args) =>
        args.Any(arg => s_hostArguments.Contains(arg, StringComparer.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("Functions__Worker__HostEndpoint"));
}

using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Moosermail.Tests.Infra.Bicep;

/// <summary>Runs the Bicep CLI that the Azure.Bicep.CommandLine.linux-x64 package ships.</summary>
internal static partial class BicepCli
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static async Task<Result> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(BuildInfo.BicepPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = BuildInfo.InfraDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The CLI is a .NET app: no ICU needed, no telemetry, nothing fetched.
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {BuildInfo.BicepPath}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Lint diagnostics of one file: every warning and error line (bicep exits 0 on warnings).</summary>
    public static async Task<IReadOnlyList<string>> LintAsync(string file)
    {
        var result = await RunAsync("lint", file);
        var diagnostics = (result.StandardOutput + "\n" + result.StandardError)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => DiagnosticLine().IsMatch(line))
            .ToList();
        if (result.ExitCode != 0 && diagnostics.Count == 0)
        {
            diagnostics.Add($"bicep lint {file} exited {result.ExitCode}: {result.StandardError}");
        }

        return diagnostics;
    }

    [GeneratedRegex(@"\) : (Warning|Error) ")]
    private static partial Regex DiagnosticLine();
}

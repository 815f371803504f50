using System.Diagnostics;
using Moosermail.Cli;
using Moosermail.Cli.Output;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Cli;

public sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>
/// Runs the moosermail CLI against the fixture's app over real HTTP, with its own throwaway home and config
/// directory, so no test reads or writes the real ~/.config or console. <see cref="RunAsync"/> calls the same
/// entry point as the binary in-process (with <see cref="Terminal"/> standing in for the console);
/// <see cref="RunProcessAsync"/> starts the built <c>moosermail</c> as a child process with piped streams.
/// </summary>
public sealed class CliRunner : IDisposable
{
    private static readonly TimeSpan s_processTimeout = TimeSpan.FromSeconds(60);
    private readonly string _home = Directory.CreateTempSubdirectory("moosermail-cli-").FullName;

    public CliRunner(AppFixture app, string? apiKey = null)
    {
        Environment["HOME"] = _home;
        Environment["XDG_CONFIG_HOME"] = Path.Combine(_home, "xdg");
        Environment["MOOSERMAIL_API_URL"] = new Uri(app.BaseAddress, "api").ToString();
        Environment["MOOSERMAIL_API_KEY"] = apiKey;
        // The app's clock (tests move it): "3 minutes ago" is measured against the time the rows were written with.
        Time = app.Time;
    }

    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>What the in-process run believes stdout is; a pipe unless a test says otherwise.</summary>
    public Terminal Terminal { get; set; } = Terminal.Pipe;

    public TimeProvider Time { get; set; }

    public string ConfigPath => Path.Combine(_home, "xdg", "moosermail", "config.json");

    public Task<CliResult> RunAsync(params string[] args) => RunWithStdinAsync(null, args);

    public async Task<CliResult> RunWithStdinAsync(string? stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin ?? string.Empty);
        var exitCode = await CliApp.RunAsync(args, stdout, stderr, Environment, input, Terminal, Time);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The real binary (moosermail.dll beside the tests) with only this runner's environment variables for Moosermail.</summary>
    public async Task<CliResult> RunProcessAsync(string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "moosermail.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MOOSERMAIL_", StringComparison.Ordinal) || k is "NO_COLOR" or "COLUMNS").ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin ?? string.Empty);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(s_processTimeout);
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);
}

using Moosermail.Cli;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Cli;

public sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>
/// Runs the moosermail CLI in-process against the fixture's app, with its own throwaway home and config
/// directory, so no test reads or writes the real ~/.config or console.
/// </summary>
public sealed class CliRunner : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("moosermail-cli-").FullName;

    public CliRunner(AppFixture app, string? apiKey = null)
    {
        Environment["HOME"] = _home;
        Environment["XDG_CONFIG_HOME"] = Path.Combine(_home, "xdg");
        Environment["MOOSERMAIL_API_URL"] = new Uri(app.BaseAddress, "api").ToString();
        Environment["MOOSERMAIL_API_KEY"] = apiKey;
    }

    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public string ConfigPath => Path.Combine(_home, "xdg", "moosermail", "config.json");

    public Task<CliResult> RunAsync(params string[] args) => RunWithStdinAsync(null, args);

    public async Task<CliResult> RunWithStdinAsync(string? stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin ?? string.Empty);
        var exitCode = await CliApp.RunAsync(args, stdout, stderr, Environment, input);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);
}

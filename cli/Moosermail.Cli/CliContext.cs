using System.CommandLine;
using System.Text.Json;

namespace Moosermail.Cli;

/// <summary>One run of the CLI: its streams, its environment, its configuration and the global <c>--json</c> flag.</summary>
public sealed class CliContext(TextWriter stdout, TextWriter stderr, TextReader stdin, IDictionary<string, string?> environment)
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    public TextReader In { get; } = stdin;

    public CliConfig Config { get; } = new(environment);

    public Option<bool> Json { get; } = new("--json") { Description = "Print the API's JSON answer instead of text", Recursive = true };

    /// <summary>A client with the configured credential; fails with a hint when there is none.</summary>
    public ApiClient Api()
    {
        var token = Config.Token ?? throw new CliException("not logged in: run 'moosermail login' or set MOOSERMAIL_API_KEY");
        return new ApiClient(Config.ApiUrl, token);
    }

    public ApiClient AnonymousApi() => new(Config.ApiUrl, token: null);

    /// <summary>Runs a command body; a <see cref="CliException"/> becomes one line on stderr and exit code 1.</summary>
    public void Handle(Command command, Func<ParseResult, CancellationToken, Task> action) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                await action(parseResult, cancellationToken);
                return 0;
            }
            catch (CliException e)
            {
                await Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
        });

    /// <summary>With <c>--json</c>, the answer as indented JSON; otherwise what <paramref name="human"/> writes.</summary>
    public async Task PrintAsync(ParseResult parseResult, JsonElement? answer, Func<JsonElement, string> human)
    {
        var body = answer ?? default;
        if (parseResult.GetValue(Json))
        {
            await Out.WriteLineAsync(answer is null ? "null" : JsonSerializer.Serialize(body, s_indented));
            return;
        }

        var text = human(body);
        if (text.Length > 0)
        {
            await Out.WriteLineAsync(text.TrimEnd('\n'));
        }
    }
}

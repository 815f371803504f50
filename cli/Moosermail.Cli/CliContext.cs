using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using Moosermail.Cli.Output;

namespace Moosermail.Cli;

/// <summary>
/// One run of the CLI: its streams, environment, terminal, configuration and the options every command takes
/// (<c>--json</c>, <c>--profile</c>, <c>--team</c>).
/// </summary>
public sealed partial class CliContext(TextWriter stdout, TextWriter stderr, TextReader stdin, bool stdinIsPiped, IDictionary<string, string?> environment, Terminal terminal, TimeProvider time)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    public TextReader In { get; } = stdin;

    /// <summary>Stdin is a pipe or file, so a body may come from it; at a terminal the CLI asks for an option instead of waiting.</summary>
    public bool StdinIsPiped { get; } = stdinIsPiped;

    public Terminal Terminal { get; } = terminal;

    public TimeProvider Time { get; } = time;

    public CliConfig Config { get; } = new(environment);

    public Option<bool> Json { get; } = new("--json") { Description = "Print the API's JSON answer unchanged instead of text", Recursive = true };

    public Option<string?> Profile { get; } = new("--profile") { Description = "Use this named profile (default: MOOSERMAIL_PROFILE, else the file's default, else 'default')", Recursive = true };

    public Option<string?> Team { get; } = new("--team") { Description = "Act in this team (its id or name; default: MOOSERMAIL_TEAM, the profile's team, else the credential's own)", Recursive = true };

    private ParseResult? _parse;

    /// <summary>A client with the profile's credential acting in the chosen team; fails with a hint when there is no credential.</summary>
    public async Task<ApiClient> ApiAsync(CancellationToken cancellationToken)
    {
        var token = Config.Token ?? throw new CliException(
            $"not logged in (profile '{Config.ProfileName}'): run 'moosermail login{(Config.ProfileName == CliConfig.DefaultProfileName ? string.Empty : " --profile " + Config.ProfileName)}' or set MOOSERMAIL_API_KEY");
        var api = new ApiClient(Config.ApiUrl, token);
        var team = _parse?.GetValue(Team) ?? Config.Team;
        if (!string.IsNullOrWhiteSpace(team))
        {
            api.TeamId = await ResolveTeamAsync(api, team.Trim(), cancellationToken);
        }

        return api;
    }

    public ApiClient AnonymousApi() => new(Config.ApiUrl, token: null);

    /// <summary>Runs a command body; a <see cref="CliException"/> becomes one line on stderr and its exit code.</summary>
    public void Handle(Command command, Func<ParseResult, CancellationToken, Task> action) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                _parse = parseResult;
                if (parseResult.GetValue(Profile) is { } profile)
                {
                    Config.ProfileOption = ProfileName(profile);
                }

                await action(parseResult, cancellationToken);
                return 0;
            }
            catch (CliException e)
            {
                await Error.WriteLineAsync($"error: {e.Message}");
                return e.ExitCode;
            }
        });

    public bool WantsJson(ParseResult parseResult) => parseResult.GetValue(Json);

    /// <summary>
    /// With <c>--json</c>, the API's answer exactly as it came (nothing for an empty 204); otherwise what
    /// <paramref name="human"/> writes.
    /// </summary>
    public async Task PrintAsync(ParseResult parseResult, JsonElement? answer, Func<JsonElement, string> human)
    {
        if (WantsJson(parseResult))
        {
            if (answer is { } json)
            {
                await Out.WriteLineAsync(json.GetRawText());
            }

            return;
        }

        var text = human(answer ?? default);
        if (text.Length > 0)
        {
            await Out.WriteLineAsync(text.TrimEnd('\n'));
        }
    }

    /// <summary>For commands that only touch the config file: a small JSON object with <c>--json</c>, else the line.</summary>
    public Task PrintLocalAsync(ParseResult parseResult, object json, string text) =>
        Out.WriteLineAsync(WantsJson(parseResult) ? JsonSerializer.Serialize(json) : text);

    public DateTimeOffset Now => Time.GetUtcNow();

    public static string ProfileName(string name) =>
        ProfileNamePattern().IsMatch(name) ? name : throw new UsageException($"a profile name is 1-40 letters, digits, '-' or '_', not '{name}'");

    /// <summary>A team id is used as it is (the API refuses a team that is not the caller's); a name is looked up among the caller's teams.</summary>
    private static async Task<Guid> ResolveTeamAsync(ApiClient api, string team, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(team, out var id))
        {
            return id;
        }

        var me = await api.GetAsync("auth/me", cancellationToken);
        var matches = me?.Items("teams").Where(t => string.Equals(t.Str("name"), team, StringComparison.OrdinalIgnoreCase)).ToList() ?? [];
        return matches.Count switch
        {
            1 => Guid.Parse(matches[0].Str("id")),
            0 => throw new CliException($"no team named '{team}' among yours (see 'moosermail whoami')"),
            _ => throw new CliException($"{matches.Count} of your teams are named '{team}': use the team's id (see 'moosermail whoami')"),
        };
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,40}$")]
    private static partial Regex ProfileNamePattern();
}

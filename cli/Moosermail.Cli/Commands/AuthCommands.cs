using System.CommandLine;
using System.Text;
using System.Text.Json;
using Moosermail.Cli.Output;

namespace Moosermail.Cli.Commands;

/// <summary><c>login</c>, <c>logout</c> and <c>whoami</c>, each for the chosen profile.</summary>
public static class AuthCommands
{
    public static Command Login(CliContext cli)
    {
        var email = new Option<string?>("--email") { Description = "Your account's email (for a session)" };
        var password = new Option<string?>("--password") { Description = "Your password (prefer --password-stdin: this one shows in process lists and history)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from stdin" };
        var apiKeyStdin = new Option<bool>("--api-key-stdin") { Description = "Store an mk_ API key read from stdin instead of logging in with a password" };
        var apiUrl = new Option<string?>("--api-url") { Description = "The API this profile talks to (default: MOOSERMAIL_API_URL, the profile's, else " + CliConfig.DefaultApiUrl + ")" };
        var command = new Command("login", "Log in (or store an mk_ key) and keep the credential in the chosen profile of the config file (mode 0600)")
        {
            email, password, passwordStdin, apiKeyStdin, apiUrl,
        };
        cli.Handle(command, async (parse, ct) =>
        {
            var url = parse.GetValue(apiUrl) ?? cli.Config.ApiUrl;
            var profile = cli.Config.ProfileName;
            var team = parse.GetValue(cli.Team) ?? cli.Config.Profile.Team;
            string token;
            string who;
            string until;
            if (parse.GetValue(apiKeyStdin))
            {
                if (parse.GetValue(email) is not null || parse.GetValue(password) is not null || parse.GetValue(passwordStdin))
                {
                    throw new UsageException("--api-key-stdin replaces --email and the password");
                }

                token = (await cli.In.ReadLineAsync(ct))?.Trim() ?? string.Empty;
                if (!token.StartsWith("mk_", StringComparison.Ordinal))
                {
                    throw new UsageException("--api-key-stdin reads a Moosermail API key (mk_...) from stdin");
                }

                using var check = new ApiClient(url, token);
                var me = await check.GetAsync("auth/me", ct);
                who = me?.Str("email") ?? "?";
                until = "the key expires or is revoked";
            }
            else
            {
                if (parse.GetValue(email) is not { Length: > 0 } address)
                {
                    throw new UsageException("give --email (or --api-key-stdin)");
                }

                var secret = parse.GetValue(passwordStdin)
                    ? (await cli.In.ReadLineAsync(ct))?.TrimEnd('\r', '\n')
                    : parse.GetValue(password);
                if (string.IsNullOrEmpty(secret))
                {
                    throw new UsageException("give the password with --password or --password-stdin");
                }

                using var api = new ApiClient(url, token: null);
                var answer = await api.PostAsync("auth/login", new { email = address, password = secret }, ct);
                token = answer?.Str("token") is { Length: > 0 } t ? t : throw new CliException("the login answer had no token");
                who = address;
                until = Dates.Exact(answer!.Value.Str("expires_at"), cli.Now);
            }

            var first = cli.Config.Profiles().Count == 0;
            cli.Config.SaveProfile(profile, new StoredProfile(url, token, team), makeDefault: first);
            // Never the token itself, not even with --json.
            if (cli.WantsJson(parse))
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(new { profile, email = who, api_url = url, team, config = cli.Config.FilePath }));
            }
            else
            {
                await cli.Out.WriteLineAsync($"Logged in as {who} until {until}; stored in profile '{profile}' of {cli.Config.FilePath}.");
            }

            if (cli.Config.TokenFromEnvironment)
            {
                await cli.Error.WriteLineAsync("warning: MOOSERMAIL_API_KEY is set and is used instead of the stored credential");
            }
        });
        return command;
    }

    public static Command Logout(CliContext cli)
    {
        var command = new Command("logout", "End the profile's session and remove its credential from the config file");
        cli.Handle(command, async (parse, ct) =>
        {
            var profile = cli.Config.ProfileName;
            var stored = cli.Config.Profile;
            if (stored.Token is null)
            {
                await cli.PrintLocalAsync(parse, new { profile, logged_out = false }, $"Not logged in (profile '{profile}').");
                return;
            }

            // An mk_ key has no session to end; revoking it is 'api-keys revoke'.
            if (!stored.Token.StartsWith("mk_", StringComparison.Ordinal))
            {
                try
                {
                    using var api = new ApiClient(stored.ApiUrl ?? cli.Config.ApiUrl, stored.Token);
                    await api.PostAsync("auth/logout", null, ct);
                }
                catch (CliException e)
                {
                    // The token is forgotten locally whatever the server said (it may have expired already).
                    await cli.Error.WriteLineAsync($"warning: the server did not end the session: {e.Message}");
                }
            }

            cli.Config.SaveProfile(profile, stored with { Token = null });
            await cli.PrintLocalAsync(parse, new { profile, logged_out = true }, $"Logged out (profile '{profile}').");
        });
        return command;
    }

    public static Command WhoAmI(CliContext cli)
    {
        var command = new Command("whoami", "Show the user and teams the credential acts as (* marks the acting team)");
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var me = await api.GetAsync("auth/me", ct);
            await cli.PrintAsync(parse, me, m =>
            {
                var text = new StringBuilder($"{m.Str("email")} ({m.Str("id")}), profile '{cli.Config.ProfileName}'\n\n");
                var acting = m.Str("acting_team_id");
                var table = new Table("", "TEAM ID", "NAME", "ROLE").Flexible(2);
                foreach (var team in m.Items("teams"))
                {
                    table.Add(team.Str("id") == acting ? "*" : "", team.Str("id"), team.Str("name"), team.Str("role"));
                }

                return text.Append(table.Render(cli.Terminal)).ToString();
            });
        });
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Moosermail.Cli.Commands;

/// <summary><c>login</c>, <c>logout</c> and <c>whoami</c>.</summary>
public static class AuthCommands
{
    public static Command Login(CliContext cli)
    {
        var email = new Option<string>("--email") { Description = "Your account's email", Required = true };
        var password = new Option<string?>("--password") { Description = "Your password (prefer --password-stdin: this one shows in process lists and history)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from stdin" };
        var command = new Command("login", "Log in and store the session token in the config file") { email, password, passwordStdin };
        cli.Handle(command, async (parse, ct) =>
        {
            var secret = parse.GetValue(passwordStdin)
                ? (await cli.In.ReadLineAsync(ct))?.TrimEnd('\r', '\n')
                : parse.GetValue(password);
            if (string.IsNullOrEmpty(secret))
            {
                throw new CliException("give the password with --password or --password-stdin");
            }

            using var api = cli.AnonymousApi();
            var answer = await api.PostAsync("auth/login", new { email = parse.GetValue(email), password = secret }, ct);
            var token = answer?.Str("token");
            if (string.IsNullOrEmpty(token))
            {
                throw new CliException("the login answer had no token");
            }

            cli.Config.Save(new StoredConfig(cli.Config.ApiUrl, token));
            // Never the token itself, even with --json.
            await cli.Out.WriteLineAsync($"Logged in as {parse.GetValue(email)} until {answer!.Value.When("expires_at")}; token stored in {cli.Config.FilePath}.");
            if (cli.Config.TokenFromEnvironment)
            {
                await cli.Error.WriteLineAsync("warning: MOOSERMAIL_API_KEY is set and is used instead of the stored token");
            }
        });
        return command;
    }

    public static Command Logout(CliContext cli)
    {
        var command = new Command("logout", "End the stored session and remove its token from the config file");
        cli.Handle(command, async (_, ct) =>
        {
            var stored = cli.Config.Load();
            if (stored.Token is null)
            {
                await cli.Out.WriteLineAsync("Not logged in.");
                return;
            }

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

            cli.Config.Save(stored with { Token = null });
            await cli.Out.WriteLineAsync("Logged out.");
        });
        return command;
    }

    public static Command WhoAmI(CliContext cli)
    {
        var command = new Command("whoami", "Show the user and teams the credential acts as");
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = cli.Api();
            var me = await api.GetAsync("auth/me", ct);
            await cli.PrintAsync(parse, me, m =>
            {
                var text = new StringBuilder($"{m.Str("email")} ({m.Str("id")})\n");
                var acting = m.Str("acting_team_id");
                foreach (var team in m.Items("teams"))
                {
                    var marker = team.Str("id") == acting ? "*" : " ";
                    text.Append(CultureInfo.InvariantCulture, $"{marker} {team.Str("id")}  {team.Str("name")}  {team.Str("role")}\n");
                }

                return text.ToString();
            });
        });
        return command;
    }
}

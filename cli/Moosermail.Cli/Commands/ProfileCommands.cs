using System.CommandLine;
using System.Text.Json;
using Moosermail.Cli.Output;

namespace Moosermail.Cli.Commands;

/// <summary><c>profiles list|use|remove</c>: the named profiles in the config file. No command ever prints a stored credential.</summary>
public static class ProfileCommands
{
    public static Command Create(CliContext cli) => new("profiles", "List, choose and remove named profiles ('login --profile NAME' makes one)") { List(cli), Use(cli), Remove(cli) };

    private static Command List(CliContext cli)
    {
        var command = new Command("list", "List profiles: API, team, whether a credential is stored (* marks the one in use)");
        cli.Handle(command, async (parse, _) =>
        {
            var current = cli.Config.ProfileName;
            var profiles = cli.Config.Profiles().OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
            if (cli.WantsJson(parse))
            {
                var rows = profiles.Select(p => new
                {
                    name = p.Key,
                    current = p.Key == current,
                    api_url = p.Value.ApiUrl,
                    team = p.Value.Team,
                    credential = Kind(p.Value.Token),
                });
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(new { profiles = rows }));
                return;
            }

            if (profiles.Count == 0)
            {
                await cli.Out.WriteLineAsync("No profiles: run 'moosermail login' (add --profile NAME for another).");
                return;
            }

            var table = new Table("", "PROFILE", "API", "TEAM", "CREDENTIAL").Flexible(2, 3);
            foreach (var (name, profile) in profiles)
            {
                table.Add(name == current ? "*" : "", name, profile.ApiUrl ?? CliConfig.DefaultApiUrl, profile.Team ?? "-", Kind(profile.Token) ?? "none");
            }

            await cli.Out.WriteAsync(table.Render(cli.Terminal));
        });
        return command;
    }

    private static Command Use(CliContext cli)
    {
        var name = new Argument<string>("name") { Description = "The profile to use when neither --profile nor MOOSERMAIL_PROFILE names one" };
        var command = new Command("use", "Make a profile the default") { name };
        cli.Handle(command, async (parse, _) =>
        {
            var profile = CliContext.ProfileName(parse.GetValue(name)!);
            var existing = cli.Config.Profiles().GetValueOrDefault(profile)
                ?? throw new CliException($"no profile '{profile}': create it with 'moosermail login --profile {profile}'");
            cli.Config.SaveProfile(profile, existing, makeDefault: true);
            await cli.PrintLocalAsync(parse, new { default_profile = profile }, $"Default profile: {profile}.");
        });
        return command;
    }

    private static Command Remove(CliContext cli)
    {
        var name = new Argument<string>("name") { Description = "The profile to forget (its session is not ended: run 'logout --profile NAME' first)" };
        var command = new Command("remove", "Remove a profile from the config file") { name };
        cli.Handle(command, async (parse, _) =>
        {
            var profile = CliContext.ProfileName(parse.GetValue(name)!);
            if (!cli.Config.Profiles().ContainsKey(profile))
            {
                throw new CliException($"no profile '{profile}'");
            }

            cli.Config.SaveProfile(profile, null);
            await cli.PrintLocalAsync(parse, new { removed = profile }, $"Removed profile {profile}.");
        });
        return command;
    }

    private static string? Kind(string? token) =>
        token is null ? null : token.StartsWith("mk_", StringComparison.Ordinal) ? "api key" : "session";
}

using System.CommandLine;
using Moosermail.Cli.Commands;
using Moosermail.Cli.Output;

namespace Moosermail.Cli;

/// <summary>
/// The <c>moosermail</c> command line. Exit codes: 0 done, 1 the API refused (one line on stderr) or could not be
/// reached, 2 the command line is wrong (nothing was sent). Tests call <see cref="RunAsync(string[], TextWriter, TextWriter, IDictionary{string, string?}, TextReader?, Terminal?, TimeProvider?, bool?)"/> in-process.
/// </summary>
public static class CliApp
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IDictionary<string, string?> environment) =>
        RunAsync(args, stdout, stderr, environment, stdin: null);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IDictionary<string, string?> environment, TextReader? stdin, Terminal? terminal = null, TimeProvider? time = null, bool? stdinIsPiped = null)
    {
        var cli = new CliContext(stdout, stderr, stdin ?? TextReader.Null, stdinIsPiped ?? stdin is not null, environment, terminal ?? Terminal.Pipe, time ?? TimeProvider.System);
        var root = new RootCommand("moosermail: your Moosermail team's inbox, drafts, sending, templates, contacts, triggers, cron jobs and pipes from the terminal.\n" +
            "Configuration: named profiles in the file 'login' writes; MOOSERMAIL_PROFILE, MOOSERMAIL_API_URL (default " + CliConfig.DefaultApiUrl + "), " +
            "MOOSERMAIL_API_KEY and MOOSERMAIL_TEAM override it. Exit codes: 0 ok, 1 API error, 2 usage error.")
        {
            AuthCommands.Login(cli),
            AuthCommands.Logout(cli),
            AuthCommands.WhoAmI(cli),
            ProfileCommands.Create(cli),
            InboxCommands.Inbox(cli),
            InboxCommands.Read(cli),
            DraftCommands.Reply(cli),
            DraftCommands.Drafts(cli),
            SendCommand.Create(cli),
            EmailCommands.Create(cli),
            TemplateCommands.Create(cli),
            ContactCommands.Create(cli),
            TriggerCommands.Create(cli),
            TriggerCommands.Legacy(cli),
            CronCommands.Create(cli),
            PipeCommands.Create(cli),
            KeyCommands.Create(cli),
            ApiKeyCommands.Create(cli),
        };
        root.Options.Add(cli.Json);
        root.Options.Add(cli.Profile);
        root.Options.Add(cli.Team);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"error: {error.Message}");
            }

            await stderr.WriteLineAsync($"Run '{string.Join(' ', CommandPath(parse.CommandResult.Command, root))} --help' for usage.");
            return CliException.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static Stack<string> CommandPath(Command command, RootCommand root)
    {
        var names = new Stack<string>();
        for (Command? c = command; c is not null && c != root; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Push(c.Name);
        }

        names.Push("moosermail");
        return names;
    }
}

using System.CommandLine;
using Moosermail.Cli.Commands;

namespace Moosermail.Cli;

/// <summary>The <c>moosermail</c> command line; tests call <see cref="RunAsync(string[], TextWriter, TextWriter, IDictionary{string, string?}, TextReader?)"/> in-process.</summary>
public static class CliApp
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IDictionary<string, string?> environment) =>
        RunAsync(args, stdout, stderr, environment, stdin: null);

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IDictionary<string, string?> environment, TextReader? stdin)
    {
        var cli = new CliContext(stdout, stderr, stdin ?? TextReader.Null, environment);
        var root = new RootCommand("moosermail: send email and manage your Moosermail team from the terminal.\n" +
            "Configuration: MOOSERMAIL_API_URL (default " + CliConfig.DefaultApiUrl + ") and MOOSERMAIL_API_KEY, else the file 'login' writes.")
        {
            AuthCommands.Login(cli),
            AuthCommands.Logout(cli),
            AuthCommands.WhoAmI(cli),
            SendCommand.Create(cli),
            EmailCommands.Create(cli),
            KeyCommands.Create(cli),
            ApiKeyCommands.Create(cli),
            TriggerCommands.Create(cli),
        };
        root.Options.Add(cli.Json);
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
    }
}

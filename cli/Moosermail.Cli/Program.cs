using System.Collections;
using Moosermail.Cli;
using Moosermail.Cli.Output;

var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
{
    environment[(string)entry.Key] = entry.Value as string;
}

return await CliApp.RunAsync(args, Console.Out, Console.Error, environment, Console.In, Terminal.Detect(environment), TimeProvider.System, Console.IsInputRedirected);

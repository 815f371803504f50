using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Moosermail.Cli.Commands;

/// <summary><c>trigger fire</c>: send a trigger's template; the trigger key is the only credential needed.</summary>
public static class TriggerCommands
{
    public static Command Create(CliContext cli) => new("trigger", "Fire triggers") { Fire(cli) };

    private static Command Fire(CliContext cli)
    {
        var key = new Argument<string>("key") { Description = "The trigger key" };
        var to = new Option<string[]>("--to") { Description = "Recipient (repeat for more); the trigger's default otherwise" };
        var toTag = new Option<string?>("--to-tag") { Description = "Send to the subscribed contacts with this tag" };
        var variables = new Option<string[]>("--var") { Description = "Template variable name=value (repeat for more)" };
        var command = new Command("fire", "Fire a trigger: render its template and send it") { key, to, toTag, variables };
        cli.Handle(command, async (parse, ct) =>
        {
            var recipients = parse.GetValue(to);
            var request = new
            {
                to = recipients is { Length: > 0 } ? recipients : null,
                to_tag = parse.GetValue(toTag),
                variables = JsonText.Variables(parse.GetValue(variables)),
            };
            using var api = cli.AnonymousApi();
            var answer = await api.PostAsync("trigger/" + Uri.EscapeDataString(parse.GetValue(key)!), request, ct);
            await cli.PrintAsync(parse, answer, r =>
            {
                var text = new StringBuilder($"Sent {r.Str("sent")}, failed {r.Str("failed")}.\n");
                foreach (var failure in r.Items("failures"))
                {
                    text.Append(CultureInfo.InvariantCulture, $"  {failure.Str("to")}: {failure.Str("reason")}\n");
                }

                return text.ToString();
            });
        });
        return command;
    }
}

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
        var to = new Option<string[]>("--to") { Description = "Recipient (repeat for more), only in the trigger's allowed_recipient_domains; the trigger's default otherwise" };
        var toTag = new Option<string?>("--to-tag") { Description = "Send to the subscribed contacts with this tag (needs a signed-in member: POST /api/triggers/{id}/fire)" };
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
            // The key travels in a header, never in the URL, where proxies and access logs would keep it.
            var answer = await api.PostAsync("trigger", request, ("X-Trigger-Key", parse.GetValue(key)!.Trim()), ct);
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

using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Moosermail.Cli.Commands;

/// <summary>
/// <c>trigger fire</c>: send a trigger's template. Given the trigger key, that key is the only credential (sent in
/// X-Trigger-Key); given the trigger's id, it fires as the signed-in member, who may also reach contacts by tag.
/// </summary>
public static class TriggerCommands
{
    public static Command Create(CliContext cli) => new("trigger", "Fire triggers") { Fire(cli) };

    private static Command Fire(CliContext cli)
    {
        var key = new Argument<string>("key") { Description = "The trigger key, or the trigger's id to fire as the signed-in member" };
        var to = new Option<string[]>("--to") { Description = "Recipient (repeat for more), only in the trigger's allowed_recipient_domains; the trigger's default otherwise" };
        var toTag = new Option<string?>("--to-tag") { Description = "Send to the subscribed contacts with this tag (only by id, as a signed-in member with emails:send)" };
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
            var given = parse.GetValue(key)!.Trim();
            using var api = Guid.TryParse(given, out _) ? cli.Api() : cli.AnonymousApi();
            // The key travels in a header, never in the URL, where proxies and access logs would keep it.
            var answer = Guid.TryParse(given, out var id)
                ? await api.PostAsync($"triggers/{id}/fire", request, ct)
                : await api.PostAsync("trigger", request, ("X-Trigger-Key", given), ct);
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

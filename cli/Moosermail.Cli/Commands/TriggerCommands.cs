using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Moosermail.Cli.Output;

namespace Moosermail.Cli.Commands;

/// <summary>
/// <c>triggers list|get|create|update|delete|rotate|fire</c>. Firing with the trigger key uses that key as the only
/// credential (sent in X-Trigger-Key, never the URL); with the trigger's id it fires as the signed-in member, who
/// may also reach contacts by tag. <c>trigger fire</c> is the older spelling of <c>triggers fire</c>.
/// </summary>
public static class TriggerCommands
{
    public static Command Create(CliContext cli) =>
        new("triggers", "Manage and fire triggers (a key that sends one template)") { List(cli), Get(cli), New(cli), Update(cli), Delete(cli), Rotate(cli), Fire(cli) };

    public static Command Legacy(CliContext cli) => new("trigger", "Fire triggers (same as 'triggers fire')") { Hidden = true, Subcommands = { Fire(cli) } };

    private static Command List(CliContext cli)
    {
        var command = new Command("list", "List triggers (never their keys)");
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync("triggers", ct);
            await cli.PrintAsync(parse, answer, list =>
            {
                var table = new Table("ID", "NAME", "TEMPLATE", "ENABLED", "DEFAULT TO", "PER MIN", "UPDATED").Flexible(1, 2, 4);
                foreach (var t in list.Items("triggers"))
                {
                    table.Add(t.Str("id"), t.Str("name"), t.Str("template_name"), Yes(t.Str("enabled")) ? "yes" : "no",
                        t.Str("default_to") is { Length: > 0 } to ? to : "-", t.Str("rate_limit_per_minute"), Dates.Relative(t.Str("updated_at"), cli.Now));
                }

                return table.Count == 0 ? "No triggers: create one with 'moosermail triggers create'." : table.Render(cli.Terminal);
            });
        });
        return command;
    }

    private static Command Get(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The trigger's id" };
        var command = new Command("get", "Show one trigger") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync(Inputs.Path("triggers", parse.GetValue(id)!), ct);
            await cli.PrintAsync(parse, answer, a => Detail(a.GetProperty("trigger"), cli.Now));
        });
        return command;
    }

    private static Command New(CliContext cli)
    {
        var fields = new Fields(required: true);
        var command = new Command("create", "Create a trigger; its key is printed this once");
        fields.AddTo(command);
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var created = await api.PostAsync("triggers", fields.Read(parse), ct);
            await cli.PrintAsync(parse, created, a => WithKey(a.GetProperty("trigger"), "Created"));
        });
        return command;
    }

    private static Command Update(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The trigger's id" };
        var fields = new Fields(required: false);
        var command = new Command("update", "Change a trigger (what is not given is kept)") { id };
        fields.AddTo(command);
        cli.Handle(command, async (parse, ct) =>
        {
            var body = fields.Read(parse);
            if (body.Count == 0)
            {
                throw new UsageException("nothing to change: give --name, --template, --default-to, --enable/--disable, --rate-limit or --allow-domain");
            }

            using var api = await cli.ApiAsync(ct);
            var updated = await api.PutAsync(Inputs.Path("triggers", parse.GetValue(id)!), body, ct);
            await cli.PrintAsync(parse, updated, a => $"Updated trigger {a.GetProperty("trigger").Str("id")}.");
        });
        return command;
    }

    private static Command Delete(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The trigger's id" };
        var command = new Command("delete", "Delete a trigger: its key stops working at once") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.DeleteAsync(Inputs.Path("triggers", parse.GetValue(id)!), ct);
            await cli.PrintAsync(parse, answer, _ => $"Deleted trigger {parse.GetValue(id)}.");
        });
        return command;
    }

    private static Command Rotate(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The trigger's id" };
        var command = new Command("rotate", "Replace the trigger's key; the old one stops at once and the new one is printed this once") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.PostAsync(Inputs.Path("triggers", parse.GetValue(id)!) + "/rotate", null, ct);
            await cli.PrintAsync(parse, answer, a => WithKey(a.GetProperty("trigger"), "Rotated the key of"));
        });
        return command;
    }

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
            var byId = Guid.TryParse(given, out var id);
            using var api = byId ? await cli.ApiAsync(ct) : cli.AnonymousApi();
            // The key travels in a header, never in the URL, where proxies and access logs would keep it.
            var answer = byId
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

    private static string Detail(JsonElement t, DateTimeOffset now) =>
        new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Id:         {t.Str("id")}\n")
            .Append(CultureInfo.InvariantCulture, $"Name:       {t.Str("name")}\n")
            .Append(CultureInfo.InvariantCulture, $"Template:   {t.Str("template_name")} ({t.Str("template_id")})\n")
            .Append(CultureInfo.InvariantCulture, $"Enabled:    {(Yes(t.Str("enabled")) ? "yes" : "no")}\n")
            .Append(CultureInfo.InvariantCulture, $"Default to: {(t.Str("default_to") is { Length: > 0 } to ? to : "-")}\n")
            .Append(CultureInfo.InvariantCulture, $"Domains:    {(t.Str("allowed_recipient_domains") is { Length: > 0 } d ? d : "- (the key fires to the default only)")}\n")
            .Append(CultureInfo.InvariantCulture, $"Rate limit: {t.Str("rate_limit_per_minute")} emails per minute\n")
            .Append(CultureInfo.InvariantCulture, $"Updated:    {Dates.Exact(t.Str("updated_at"), now)}\n")
            .ToString();

    private static string WithKey(JsonElement t, string verb) =>
        $"{t.Str("trigger_key")}\n{verb} trigger '{t.Str("name")}' ({t.Str("id")}).\nStore the key now: it is not shown again.";

    private static bool Yes(string value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The options create and update share.</summary>
    private sealed class Fields(bool required)
    {
        private readonly Option<string?> _name = new("--name") { Description = "The trigger's name", Required = required };
        private readonly Option<string?> _template = new("--template") { Description = "The template it sends (id)", Required = required };
        private readonly Option<string?> _defaultTo = new("--default-to") { Description = "Where the key fires when no --to is given ('' clears it)" };
        private readonly Option<bool> _enable = new("--enable") { Description = "Let it fire" };
        private readonly Option<bool> _disable = new("--disable") { Description = "Stop it firing (the key is kept)" };
        private readonly Option<int?> _rateLimit = new("--rate-limit") { Description = "Emails per minute, whoever fires" };
        private readonly Option<string[]> _domains = new("--allow-domain") { Description = "A domain the key holder may name in --to (repeat; replaces the list)" };
        private readonly Option<bool> _noDomains = new("--no-domains") { Description = "The key fires only to --default-to" };

        public void AddTo(Command command)
        {
            foreach (Option option in new Option[] { _name, _template, _defaultTo, _enable, _disable, _rateLimit, _domains, _noDomains })
            {
                command.Options.Add(option);
            }
        }

        public Dictionary<string, object?> Read(ParseResult parse)
        {
            var body = new Dictionary<string, object?>(StringComparer.Ordinal);
            Put(body, "name", parse.GetValue(_name));
            if (parse.GetValue(_template) is { } template)
            {
                body["template_id"] = Guid.TryParse(template, out var templateId) ? templateId : throw new UsageException($"--template takes a template id, not '{template}'");
            }

            Put(body, "default_to", parse.GetValue(_defaultTo));
            if (parse.GetValue(_enable) && parse.GetValue(_disable))
            {
                throw new UsageException("give --enable or --disable, not both");
            }

            if (parse.GetValue(_enable) || parse.GetValue(_disable))
            {
                body["enabled"] = parse.GetValue(_enable);
            }

            if (parse.GetValue(_rateLimit) is { } limit)
            {
                body["rate_limit_per_minute"] = limit;
            }

            var domains = parse.GetValue(_domains) ?? [];
            if (parse.GetValue(_noDomains))
            {
                body["allowed_recipient_domains"] = domains.Length > 0 ? throw new UsageException("give --allow-domain or --no-domains, not both") : Array.Empty<string>();
            }
            else if (domains.Length > 0)
            {
                body["allowed_recipient_domains"] = domains;
            }

            return body;
        }

        private static void Put(Dictionary<string, object?> body, string name, string? value)
        {
            if (value is not null)
            {
                body[name] = value;
            }
        }
    }
}

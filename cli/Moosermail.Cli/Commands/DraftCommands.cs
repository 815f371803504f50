using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Moosermail.Cli.Output;

namespace Moosermail.Cli.Commands;

/// <summary><c>reply ID</c> (threaded, through the API's send path) and <c>drafts list|get|create|update|delete|send</c>, stored on the server.</summary>
public static class DraftCommands
{
    public static Command Reply(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The received email's id (from 'inbox')" };
        var body = new Option<string?>("--body") { Description = "The reply's text ('-' reads stdin; without --body, --body-file or --html the text is read from stdin)" };
        var bodyFile = new Option<string?>("--body-file") { Description = "Read the reply's text from this file" };
        var html = new Option<string?>("--html") { Description = "An HTML body" };
        var all = new Option<bool>("--all") { Description = "Reply to all: the other recipients too" };
        var cc = new Option<string[]>("--cc") { Description = "Also copy this address (repeat for more)" };
        var from = new Option<string?>("--from") { Description = "Which of your senders answers (default: the address it was sent to, else the team's default)" };
        var noQuote = new Option<bool>("--no-quote") { Description = "Send only what you wrote (by default the received email is quoted below it)" };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Makes a retry safe: the same key sends once" };
        var command = new Command("reply", "Reply to a received email: Re: subject, In-Reply-To and References set, the original quoted, the reply joins the thread")
        {
            id, body, bodyFile, html, all, cc, from, noQuote, idempotencyKey,
        };
        cli.Handle(command, async (parse, ct) =>
        {
            var text = await Inputs.TextAsync(cli, parse.GetValue(body), parse.GetValue(bodyFile), "--body", "--body-file", ct);
            if (text is null && parse.GetValue(html) is null)
            {
                text = cli.StdinIsPiped
                    ? await cli.In.ReadToEndAsync(ct)
                    : throw new UsageException("give the reply with --body, --body-file, --html or on stdin");
            }

            if (string.IsNullOrWhiteSpace(text) && string.IsNullOrWhiteSpace(parse.GetValue(html)))
            {
                throw new UsageException("the reply is empty");
            }

            var request = new
            {
                body = text,
                html = parse.GetValue(html),
                cc = parse.GetValue(cc) is { Length: > 0 } copies ? copies : null,
                reply_all = parse.GetValue(all) ? true : (bool?)null,
                from = parse.GetValue(from),
                quote = parse.GetValue(noQuote) ? false : (bool?)null,
            };
            using var api = await cli.ApiAsync(ct);
            var answer = await api.PostAsync(Inputs.Path("inbox", parse.GetValue(id)!) + "/reply", request, ct, parse.GetValue(idempotencyKey));
            await cli.PrintAsync(parse, answer, a => $"{a.Str("status")}: {a.Str("id")}");
        });
        return command;
    }

    public static Command Drafts(CliContext cli) =>
        new("drafts", "Drafts stored on the server (a draft can be a reply)") { List(cli), Get(cli), New(cli), Update(cli), Delete(cli), Send(cli) };

    private static Command List(CliContext cli)
    {
        var command = new Command("list", "List drafts");
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync("drafts", ct);
            await cli.PrintAsync(parse, answer, list =>
            {
                var table = new Table("ID", "TO", "SUBJECT", "STATE", "UPDATED").Flexible(1, 2);
                foreach (var d in list.Items("drafts"))
                {
                    var state = d.Str("sent_at").Length > 0 ? "sent" : d.Str("reply_to_inbox_id").Length > 0 ? "reply" : "draft";
                    table.Add(d.Str("id"), d.Str("to"), d.Str("subject"), state, Dates.Relative(d.Str("updated_at"), cli.Now));
                }

                return table.Count == 0 ? "No drafts." : table.Render(cli.Terminal);
            });
        });
        return command;
    }

    private static Command Get(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The draft's id" };
        var command = new Command("get", "Show one draft") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync(Inputs.Path("drafts", parse.GetValue(id)!), ct);
            await cli.PrintAsync(parse, answer, a =>
            {
                var d = a.GetProperty("draft");
                var text = new StringBuilder()
                    .Append(CultureInfo.InvariantCulture, $"Id:      {d.Str("id")}\n")
                    .Append(CultureInfo.InvariantCulture, $"From:    {(d.Str("from") is { Length: > 0 } f ? f : "(default sender)")}\n")
                    .Append(CultureInfo.InvariantCulture, $"To:      {d.Str("to")}\n");
                if (d.Str("cc").Length > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"Cc:      {d.Str("cc")}\n");
                }

                if (d.Str("bcc").Length > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"Bcc:     {d.Str("bcc")}\n");
                }

                text.Append(CultureInfo.InvariantCulture, $"Subject: {d.Str("subject")}\n");
                if (d.Str("reply_to_inbox_id").Length > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"Replies: {d.Str("reply_to_inbox_id")}\n");
                }

                text.Append(CultureInfo.InvariantCulture, $"Updated: {Dates.Exact(d.Str("updated_at"), cli.Now)}\n");
                if (d.Str("sent_at").Length > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"Sent:    {Dates.Exact(d.Str("sent_at"), cli.Now)} as {d.Str("sent_email_id")}\n");
                }

                return text.Append('\n').Append(d.Str("text").Length > 0 ? d.Str("text") : d.Str("html")).Append('\n').ToString();
            });
        });
        return command;
    }

    private static Command New(CliContext cli)
    {
        var fields = new Fields();
        var replyTo = new Option<string?>("--reply-to") { Description = "Make it a reply to this received email (its id): recipients, Re: subject and threading come from it" };
        var command = new Command("create", "Save a draft") { replyTo };
        fields.AddTo(command);
        cli.Handle(command, async (parse, ct) =>
        {
            var body = await fields.ReadAsync(cli, parse, ct);
            if (parse.GetValue(replyTo) is { } inboxId)
            {
                body["reply_to_inbox_id"] = Guid.TryParse(inboxId, out var parsed) ? parsed : throw new UsageException($"--reply-to takes a received email's id, not '{inboxId}'");
            }

            using var api = await cli.ApiAsync(ct);
            var created = await api.PostAsync("drafts", body, ct);
            await cli.PrintAsync(parse, created, a => $"Saved draft {a.GetProperty("draft").Str("id")}.");
        });
        return command;
    }

    private static Command Update(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The draft's id" };
        var fields = new Fields();
        var command = new Command("update", "Change a draft (what is not given is kept)") { id };
        fields.AddTo(command);
        cli.Handle(command, async (parse, ct) =>
        {
            var body = await fields.ReadAsync(cli, parse, ct);
            if (body.Count == 0)
            {
                throw new UsageException("nothing to change: give --to, --cc, --bcc, --subject, --body, --body-file, --html or --from");
            }

            using var api = await cli.ApiAsync(ct);
            var updated = await api.PutAsync(Inputs.Path("drafts", parse.GetValue(id)!), body, ct);
            await cli.PrintAsync(parse, updated, a => $"Updated draft {a.GetProperty("draft").Str("id")}.");
        });
        return command;
    }

    private static Command Delete(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The draft's id" };
        var command = new Command("delete", "Delete a draft") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.DeleteAsync(Inputs.Path("drafts", parse.GetValue(id)!), ct);
            await cli.PrintAsync(parse, answer, _ => $"Deleted draft {parse.GetValue(id)}.");
        });
        return command;
    }

    private static Command Send(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The draft's id" };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Makes a retry safe: the same key sends once" };
        var command = new Command("send", "Send a draft (once: a sent draft cannot be sent again)") { id, idempotencyKey };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.PostAsync(Inputs.Path("drafts", parse.GetValue(id)!) + "/send", null, ct, parse.GetValue(idempotencyKey));
            await cli.PrintAsync(parse, answer, a => $"{a.Str("status")}: {a.Str("id")}");
        });
        return command;
    }

    /// <summary>The options create and update share; only what is given is sent.</summary>
    private sealed class Fields
    {
        private readonly Option<string[]> _to = new("--to") { Description = "Recipient (repeat for more)" };
        private readonly Option<string[]> _cc = new("--cc") { Description = "Copy (repeat for more)" };
        private readonly Option<string[]> _bcc = new("--bcc") { Description = "Blind copy (repeat for more)" };
        private readonly Option<string?> _subject = new("--subject") { Description = "Subject" };
        private readonly Option<string?> _body = new("--body") { Description = "Plain-text body ('-' reads stdin)" };
        private readonly Option<string?> _bodyFile = new("--body-file") { Description = "Read the plain-text body from this file" };
        private readonly Option<string?> _html = new("--html") { Description = "HTML body" };
        private readonly Option<string?> _from = new("--from") { Description = "One of your senders' addresses" };

        public void AddTo(Command command)
        {
            foreach (Option option in new Option[] { _to, _cc, _bcc, _subject, _body, _bodyFile, _html, _from })
            {
                command.Options.Add(option);
            }
        }

        public async Task<Dictionary<string, object?>> ReadAsync(CliContext cli, ParseResult parse, CancellationToken ct)
        {
            var body = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (name, option) in new[] { ("to", _to), ("cc", _cc), ("bcc", _bcc) })
            {
                if (parse.GetValue(option) is { Length: > 0 } addresses)
                {
                    body[name] = addresses;
                }
            }

            Put(body, "subject", parse.GetValue(_subject));
            Put(body, "body", await Inputs.TextAsync(cli, parse.GetValue(_body), parse.GetValue(_bodyFile), "--body", "--body-file", ct));
            Put(body, "html", parse.GetValue(_html));
            Put(body, "from", parse.GetValue(_from));
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

using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Moosermail.Cli.Output;

namespace Moosermail.Cli.Commands;

/// <summary><c>inbox</c> (list and search received mail) and <c>read ID</c> (one email; marks nothing unless <c>--mark-read</c>).</summary>
public static class InboxCommands
{
    public static Command Inbox(CliContext cli)
    {
        var unread = new Option<bool>("--unread") { Description = "Only unread mail" };
        var search = new Option<string?>("--search", "-q") { Description = "Full-text search over from, subject and text (web search syntax: words, \"a phrase\", -not, or)" };
        var from = new Option<string?>("--from") { Description = "Only mail from this address" };
        var label = new Option<string?>("--label") { Description = "Only mail with this label" };
        var thread = new Option<string?>("--thread") { Description = "Only this thread's mail (its id)" };
        var hidden = new Option<bool>("--hidden") { Description = "Include hidden mail" };
        var archived = new Option<bool>("--archived") { Description = "Only archived mail" };
        var limit = new Option<int?>("--limit") { Description = "How many, newest first (default 50)" };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after the previous page (its last line prints the cursor)" };
        var command = new Command("inbox", "List received mail, newest first (* marks unread)") { unread, search, from, label, thread, hidden, archived, limit, cursor };
        cli.Handle(command, async (parse, ct) =>
        {
            var path = Inputs.Query("inbox",
                ("unread", parse.GetValue(unread) ? "true" : null),
                ("q", parse.GetValue(search)),
                ("from", parse.GetValue(from)),
                ("label", parse.GetValue(label)),
                ("thread", parse.GetValue(thread)),
                ("hidden", parse.GetValue(hidden) ? "true" : null),
                ("archived", parse.GetValue(archived) ? "true" : null),
                ("limit", parse.GetValue(limit)?.ToString(CultureInfo.InvariantCulture)),
                ("cursor", parse.GetValue(cursor)));
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync(path, ct);
            await cli.PrintAsync(parse, answer, page =>
            {
                var table = new Table("", "ID", "FROM", "SUBJECT", "LABELS", "RECEIVED").Flexible(2, 3, 4);
                foreach (var email in page.Items("data"))
                {
                    var isUnread = !Yes(email.Str("read"));
                    var subject = email.Str("subject") + (email.Str("attachment_count") is { Length: > 0 } n && n != "0" ? $" [{n} att]" : string.Empty);
                    table.Add(isUnread, isUnread ? "*" : "", email.Str("id"), email.Str("from"), subject, email.Str("labels"), Dates.Relative(email.Str("received_at"), cli.Now));
                }

                if (table.Count == 0)
                {
                    return parse.GetValue(search) is { } q ? $"No mail matches '{q}'." : "No mail.";
                }

                var next = page.Str("next_cursor");
                return table.Render(cli.Terminal) + (next.Length > 0 ? $"... next page: --cursor {next}\n" : string.Empty);
            });
        });
        return command;
    }

    public static Command Read(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The email's id (from 'inbox')" };
        var markRead = new Option<bool>("--mark-read") { Description = "Also mark it read (reading alone marks nothing)" };
        var html = new Option<bool>("--html") { Description = "Show the HTML body instead of the text" };
        var headers = new Option<bool>("--headers") { Description = "Show the threading headers too" };
        var command = new Command("read", "Show one received email") { id, markRead, html, headers };
        cli.Handle(command, async (parse, ct) =>
        {
            var path = Inputs.Path("inbox", parse.GetValue(id)!);
            using var api = await cli.ApiAsync(ct);
            // With --mark-read the PATCH answers the same email, now read; reading alone changes nothing.
            var answer = parse.GetValue(markRead)
                ? await api.PatchAsync(path, new { read = true }, ct)
                : await api.GetAsync(path, ct);

            await cli.PrintAsync(parse, answer, a => Show(a.GetProperty("email"), parse.GetValue(html), parse.GetValue(headers), cli.Now));
        });
        return command;
    }

    private static string Show(JsonElement email, bool html, bool headers, DateTimeOffset now)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"From:    {email.Str("from")}\n")
            .Append(CultureInfo.InvariantCulture, $"To:      {email.Str("to")}\n");
        if (email.Str("cc").Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Cc:      {email.Str("cc")}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Subject: {email.Str("subject")}\n")
            .Append(CultureInfo.InvariantCulture, $"Date:    {Dates.Exact(email.Str("received_at"), now)}\n")
            .Append(CultureInfo.InvariantCulture, $"Id:      {email.Str("id")}  thread {email.Str("thread_id")}\n");
        if (email.Str("labels").Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Labels:  {email.Str("labels")}\n");
        }

        if (headers)
        {
            text.Append(CultureInfo.InvariantCulture, $"Message-ID:  {email.Str("message_id")}\n")
                .Append(CultureInfo.InvariantCulture, $"In-Reply-To: {email.Str("in_reply_to")}\n")
                .Append(CultureInfo.InvariantCulture, $"References:  {string.Join(' ', email.Items("references").Select(r => r.GetString()))}\n");
        }

        foreach (var attachment in email.Items("attachments"))
        {
            text.Append(CultureInfo.InvariantCulture, $"Attached: {attachment.Str("filename")} ({attachment.Str("content_type")}, {attachment.Str("size")} bytes) id {attachment.Str("id")}\n");
        }

        text.Append('\n');
        var state = email.Str("content_state");
        if (state != "fetched")
        {
            return text.Append(CultureInfo.InvariantCulture, $"(the content is not here yet: {state}{(email.Str("last_error") is { Length: > 0 } e ? ", " + e : string.Empty)})\n").ToString();
        }

        var body = html ? email.Str("html") : email.Str("text");
        if (body.Length == 0 && !html && email.Str("html").Length > 0)
        {
            body = "(no text part: use --html)";
        }

        return text.Append(body).Append('\n').ToString();
    }

    private static bool Yes(string value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using Moosermail.Cli.Output;

namespace Moosermail.Cli.Commands;

/// <summary><c>emails list</c> and <c>emails get</c>: the send log.</summary>
public static class EmailCommands
{
    public static Command Create(CliContext cli) => new("emails", "Read the send log") { List(cli), Get(cli) };

    private static Command List(CliContext cli)
    {
        var status = new Option<string?>("--status") { Description = "Only emails in this status (queued, sent, delivered, bounced, ...)" };
        var limit = new Option<int?>("--limit") { Description = "How many, newest first" };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after the previous page (its last line prints the cursor)" };
        var command = new Command("list", "List emails, newest first") { status, limit, cursor };
        cli.Handle(command, async (parse, ct) =>
        {
            var query = new List<string>();
            if (parse.GetValue(status) is { } s)
            {
                query.Add("status=" + Uri.EscapeDataString(s));
            }

            if (parse.GetValue(limit) is { } l)
            {
                query.Add("limit=" + l);
            }

            if (parse.GetValue(cursor) is { } c)
            {
                query.Add("cursor=" + Uri.EscapeDataString(c));
            }

            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync(query.Count == 0 ? "emails" : "emails?" + string.Join('&', query), ct);
            await cli.PrintAsync(parse, answer, page =>
            {
                var table = new Table("ID", "STATUS", "CREATED", "TO", "SUBJECT").Flexible(3, 4);
                foreach (var email in page.Items("data"))
                {
                    table.Add(email.Str("id"), email.Str("status"), Dates.Relative(email.Str("created_at"), cli.Now), email.Str("to"), email.Str("subject"));
                }

                if (table.Count == 0)
                {
                    return "No emails.";
                }

                var next = page.Str("next_cursor");
                return table.Render(cli.Terminal) + (next.Length > 0 ? $"... next page: --cursor {next}\n" : string.Empty);
            });
        });
        return command;
    }

    private static Command Get(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The email's id" };
        var command = new Command("get", "Show one email and its event timeline") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync("emails/" + Uri.EscapeDataString(parse.GetValue(id)!), ct);
            await cli.PrintAsync(parse, answer, detail =>
            {
                var email = detail.GetProperty("email");
                var text = new StringBuilder()
                    .Append(CultureInfo.InvariantCulture, $"Id:      {email.Str("id")}\n")
                    .Append(CultureInfo.InvariantCulture, $"From:    {email.Str("from")}\n")
                    .Append(CultureInfo.InvariantCulture, $"To:      {email.Str("to")}\n")
                    .Append(CultureInfo.InvariantCulture, $"Subject: {email.Str("subject")}\n")
                    .Append(CultureInfo.InvariantCulture, $"Status:  {email.Str("status")}\n")
                    .Append(CultureInfo.InvariantCulture, $"Created: {Dates.Exact(email.Str("created_at"), cli.Now)}\n");
                if (email.Str("last_error").Length > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"Error:   {email.Str("last_error")}\n");
                }

                if (email.Str("cron_name").Length > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"Cron:    {email.Str("cron_name")} ({email.Str("cron_job_id")})\n");
                }

                foreach (var e in detail.Items("events"))
                {
                    text.Append(string.Create(CultureInfo.InvariantCulture, $"  {e.When("occurred_at")}  {e.Str("type")}  {e.Str("detail")}").TrimEnd()).Append('\n');
                }

                return text.ToString();
            });
        });
        return command;
    }

}

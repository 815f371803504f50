using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;

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

            using var api = cli.Api();
            var answer = await api.GetAsync(query.Count == 0 ? "emails" : "emails?" + string.Join('&', query), ct);
            await cli.PrintAsync(parse, answer, page =>
            {
                var rows = page.Items("data").Select(Row).ToList();
                if (rows.Count == 0)
                {
                    return "No emails.";
                }

                if (page.Str("next_cursor").Length > 0)
                {
                    rows.Add($"... next page: --cursor {page.Str("next_cursor")}");
                }

                return string.Join('\n', rows);
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
            using var api = cli.Api();
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
                    .Append(CultureInfo.InvariantCulture, $"Created: {email.When("created_at")}\n");
                if (email.Str("last_error").Length > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"Error:   {email.Str("last_error")}\n");
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

    private static string Row(JsonElement email) =>
        $"{email.Str("id")}  {email.Str("status"),-10}  {email.When("created_at")}  {email.Str("to")}  {email.Str("subject")}";
}

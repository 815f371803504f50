using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Moosermail.Cli.Output;

namespace Moosermail.Cli.Commands;

/// <summary><c>cron list|show|runs|create|enable|disable|delete</c> over /api/cron: scheduled template sends.</summary>
public static class CronCommands
{
    public static Command Create(CliContext cli) =>
        new("cron", "Cron jobs: a template sent on a 5-field schedule in a time zone") { List(cli), Show(cli), Runs(cli), New(cli), Toggle(cli, enable: true), Toggle(cli, enable: false), Delete(cli) };

    private static Command List(CliContext cli)
    {
        var command = new Command("list", "List cron jobs with their schedule and next run");
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync("cron", ct);
            await cli.PrintAsync(parse, answer, list =>
            {
                var table = new Table("ID", "NAME", "SCHEDULE", "ZONE", "TEMPLATE", "TO", "ENABLED", "NEXT RUN").Flexible(1, 4, 5);
                foreach (var job in list.Items("cron_jobs"))
                {
                    table.Add(job.Str("id"), job.Str("name"), job.Str("cron_expression"), job.Str("timezone"), TemplateName(job), Recipients(job),
                        Yes(job.Str("enabled")) ? "yes" : "no", Dates.Relative(job.Str("next_run_at"), cli.Now));
                }

                return table.Count == 0 ? "No cron jobs: create one with 'moosermail cron create'." : table.Render(cli.Terminal);
            });
        });
        return command;
    }

    private static Command Show(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The cron job's id" };
        var command = new Command("show", "Show one cron job and its next runs") { id };
        command.Aliases.Add("get");
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync(Inputs.Path("cron", parse.GetValue(id)!), ct);
            await cli.PrintAsync(parse, answer, a => Detail(a.GetProperty("cron_job"), cli.Now));
        });
        return command;
    }

    private static Command Runs(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The cron job's id" };
        var limit = new Option<int?>("--limit") { Description = "How many runs, newest slot first (1-100, default 20)" };
        var command = new Command("runs", "A cron job's runs: each slot, what it sent, and why one failed") { id, limit };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var path = Inputs.Query(Inputs.Path("cron", parse.GetValue(id)!) + "/runs", ("limit", parse.GetValue(limit)?.ToString(CultureInfo.InvariantCulture)));
            var answer = await api.GetAsync(path, ct);
            await cli.PrintAsync(parse, answer, list =>
            {
                var table = new Table("SLOT", "STATUS", "EMAILS", "SKIPPED", "MISSED", "ERROR").Flexible(5);
                foreach (var run in list.Items("runs"))
                {
                    table.Add(run.When("slot"), run.Str("status"), run.Items("emails").Count().ToString(CultureInfo.InvariantCulture),
                        run.Str("skipped_recipients"), run.Str("missed_slots"), run.Str("error") is { Length: > 0 } error ? error : "-");
                }

                return table.Count == 0 ? "No runs yet." : table.Render(cli.Terminal);
            });
        });
        return command;
    }

    private static Command New(CliContext cli)
    {
        var name = new Option<string>("--name") { Description = "The job's name", Required = true };
        var template = new Option<string>("--template") { Description = "The template it sends (id)", Required = true };
        var schedule = new Option<string>("--schedule") { Description = "5-field cron expression, e.g. '0 9 * * MON-FRI'", Required = true };
        var zone = new Option<string?>("--timezone") { Description = "IANA time zone of the schedule (default UTC)" };
        var to = new Option<string[]>("--to") { Description = "Recipient (repeat for more)" };
        var toTag = new Option<string?>("--to-tag") { Description = "Send to the team's subscribed contacts with this tag instead" };
        var variables = new Option<string[]>("--var") { Description = "Template variable name=value (repeat for more)" };
        var from = new Option<string?>("--from") { Description = "A from address the team has a sender for (default sender otherwise)" };
        var disabled = new Option<bool>("--disabled") { Description = "Save it paused" };
        var command = new Command("create", "Create a cron job") { name, template, schedule, zone, to, toTag, variables, from, disabled };
        cli.Handle(command, async (parse, ct) =>
        {
            var recipients = parse.GetValue(to) ?? [];
            var tag = parse.GetValue(toTag);
            if ((recipients.Length > 0) == (tag is not null))
            {
                throw new UsageException("give --to (one or more) or --to-tag, not both and not neither");
            }

            var templateId = parse.GetValue(template)!;
            var body = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = parse.GetValue(name),
                ["template_id"] = Guid.TryParse(templateId, out var parsed) ? parsed : throw new UsageException($"--template takes a template id, not '{templateId}'"),
                ["cron_expression"] = parse.GetValue(schedule),
                ["timezone"] = parse.GetValue(zone),
                ["to"] = recipients.Length > 0 ? recipients : null,
                ["to_tag"] = tag,
                ["variables"] = JsonText.Variables(parse.GetValue(variables)),
                ["from"] = parse.GetValue(from),
                ["enabled"] = !parse.GetValue(disabled),
            };
            using var api = await cli.ApiAsync(ct);
            var created = await api.PostAsync("cron", body, ct);
            await cli.PrintAsync(parse, created, a => "Created " + Detail(a.GetProperty("cron_job"), cli.Now));
        });
        return command;
    }

    private static Command Toggle(CliContext cli, bool enable)
    {
        var id = new Argument<string>("id") { Description = "The cron job's id" };
        var command = new Command(enable ? "enable" : "disable", enable ? "Let a cron job run again from its next slot" : "Pause a cron job (it keeps its settings)") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var updated = await api.PutAsync(Inputs.Path("cron", parse.GetValue(id)!), new { enabled = enable }, ct);
            await cli.PrintAsync(parse, updated, a =>
            {
                var job = a.GetProperty("cron_job");
                return enable ? $"Enabled cron job {job.Str("id")}; next run {Dates.Exact(job.Str("next_run_at"), cli.Now)}." : $"Disabled cron job {job.Str("id")}.";
            });
        });
        return command;
    }

    private static Command Delete(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The cron job's id" };
        var command = new Command("delete", "Delete a cron job and its runs (the emails it sent stay in the send log)") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.DeleteAsync(Inputs.Path("cron", parse.GetValue(id)!), ct);
            await cli.PrintAsync(parse, answer, _ => $"Deleted cron job {parse.GetValue(id)}.");
        });
        return command;
    }

    private static string Detail(JsonElement job, DateTimeOffset now)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"cron job {job.Str("id")}\n")
            .Append(CultureInfo.InvariantCulture, $"Name:      {job.Str("name")}\n")
            .Append(CultureInfo.InvariantCulture, $"Schedule:  {job.Str("cron_expression")} ({job.Str("timezone")})\n")
            .Append(CultureInfo.InvariantCulture, $"Template:  {TemplateName(job)} ({job.Str("template_id")})\n")
            .Append(CultureInfo.InvariantCulture, $"To:        {Recipients(job)}\n")
            .Append(CultureInfo.InvariantCulture, $"From:      {(job.Str("from") is { Length: > 0 } from ? from : "the default sender")}\n")
            .Append(CultureInfo.InvariantCulture, $"Variables: {job.GetProperty("variables").GetRawText()}\n")
            .Append(CultureInfo.InvariantCulture, $"Enabled:   {(Yes(job.Str("enabled")) ? "yes" : "no")}\n")
            .Append(CultureInfo.InvariantCulture, $"Last run:  {Dates.Exact(job.Str("last_run_at"), now)}\n")
            .Append("Next runs:");
        var next = job.Items("next_runs").ToList();
        text.Append(next.Count == 0 ? " none\n" : "\n");
        foreach (var run in next)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {run.Str("local")}  ({run.When("utc")})\n");
        }

        return text.ToString();
    }

    private static string TemplateName(JsonElement job) => job.Str("template_name") is { Length: > 0 } name ? name : "(deleted)";

    private static string Recipients(JsonElement job) => job.Str("to_tag") is { Length: > 0 } tag ? $"tag {tag}" : job.Str("to");

    private static bool Yes(string value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Moosermail.Cli.Output;

namespace Moosermail.Cli.Commands;

/// <summary><c>pipes list|show|runs|create|enable|disable|delete</c> over /api/pipes: rules on received mail.</summary>
public static class PipeCommands
{
    public static Command Create(CliContext cli) =>
        new("pipes", "Pipes: rules that act on received mail (webhook, forward, auto_reply, tag, hide)") { List(cli), Show(cli), Runs(cli), New(cli), Toggle(cli, enable: true), Toggle(cli, enable: false), Delete(cli) };

    private static Command List(CliContext cli)
    {
        var command = new Command("list", "List pipes with their conditions and action");
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync("pipes", ct);
            await cli.PrintAsync(parse, answer, list =>
            {
                var table = new Table("ID", "NAME", "WHEN", "ACTION", "ENABLED", "UPDATED").Flexible(1, 2, 3);
                foreach (var pipe in list.Items("pipes"))
                {
                    table.Add(pipe.Str("id"), pipe.Str("name"), Conditions(pipe), Action(pipe), Yes(pipe.Str("enabled")) ? "yes" : "no", Dates.Relative(pipe.Str("updated_at"), cli.Now));
                }

                return table.Count == 0 ? "No pipes: create one with 'moosermail pipes create'." : table.Render(cli.Terminal);
            });
        });
        return command;
    }

    private static Command Show(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The pipe's id" };
        var command = new Command("show", "Show one pipe") { id };
        command.Aliases.Add("get");
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync(Inputs.Path("pipes", parse.GetValue(id)!), ct);
            await cli.PrintAsync(parse, answer, a => Detail(a.GetProperty("pipe"), cli.Now));
        });
        return command;
    }

    private static Command Runs(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The pipe's id" };
        var limit = new Option<int?>("--limit") { Description = "How many runs, newest first (1-100, default 20)" };
        var command = new Command("runs", "A pipe's runs: each received email it acted on, and how it went") { id, limit };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var path = Inputs.Query(Inputs.Path("pipes", parse.GetValue(id)!) + "/runs", ("limit", parse.GetValue(limit)?.ToString(CultureInfo.InvariantCulture)));
            var answer = await api.GetAsync(path, ct);
            await cli.PrintAsync(parse, answer, list =>
            {
                var table = new Table("EMAIL", "STATUS", "TRIES", "DETAIL", "WHEN").Flexible(3);
                foreach (var run in list.Items("runs"))
                {
                    var detail = run.Str("last_error") is { Length: > 0 } error ? error : run.Str("detail");
                    table.Add(run.Str("received_email_id"), run.Str("status"), run.Str("attempts"), detail.Length > 0 ? detail : "-", Dates.Relative(run.Str("created_at"), cli.Now));
                }

                return table.Count == 0 ? "No runs yet." : table.Render(cli.Terminal);
            });
        });
        return command;
    }

    private static Command New(CliContext cli)
    {
        var name = new Option<string>("--name") { Description = "The pipe's name", Required = true };
        var action = new Option<string>("--action") { Description = "webhook, forward, auto_reply, tag or hide", Required = true };
        var matchFrom = new Option<string?>("--match-from") { Description = "Acts when the sender contains this (case-insensitive)" };
        var matchSubject = new Option<string?>("--match-subject") { Description = "Acts when the subject contains this" };
        var matchBody = new Option<string?>("--match-body") { Description = "Acts when the text contains this" };
        var matchAll = new Option<bool>("--match-all") { Description = "Acts on every received email" };
        var url = new Option<string?>("--url") { Description = "webhook: where to POST the email (https)" };
        var to = new Option<string?>("--to") { Description = "forward: where to forward it" };
        var template = new Option<string?>("--template") { Description = "auto_reply: the template to answer with (id)" };
        var tag = new Option<string?>("--tag") { Description = "tag: flag, pin or read" };
        var stripClosers = new Option<bool>("--strip-closers") { Description = "Remove 'Sent from my iPhone'-style footers first" };
        var disabled = new Option<bool>("--disabled") { Description = "Save it paused" };
        var command = new Command("create", "Create a pipe; a webhook pipe's signing secret is printed this once")
        {
            name, action, matchFrom, matchSubject, matchBody, matchAll, url, to, template, tag, stripClosers, disabled,
        };
        cli.Handle(command, async (parse, ct) =>
        {
            var templateId = parse.GetValue(template);
            var body = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = parse.GetValue(name),
                ["action"] = parse.GetValue(action),
                ["match_from"] = parse.GetValue(matchFrom),
                ["match_subject"] = parse.GetValue(matchSubject),
                ["match_body"] = parse.GetValue(matchBody),
                ["match_all"] = parse.GetValue(matchAll) ? true : null,
                ["action_url"] = parse.GetValue(url),
                ["action_to"] = parse.GetValue(to),
                ["action_template_id"] = templateId is null ? null
                    : Guid.TryParse(templateId, out var parsed) ? parsed : throw new UsageException($"--template takes a template id, not '{templateId}'"),
                ["action_tag"] = parse.GetValue(tag),
                ["strip_closers"] = parse.GetValue(stripClosers) ? true : null,
                ["enabled"] = !parse.GetValue(disabled),
            };
            using var api = await cli.ApiAsync(ct);
            var created = await api.PostAsync("pipes", body, ct);
            await cli.PrintAsync(parse, created, a =>
            {
                var pipe = a.GetProperty("pipe");
                var secret = pipe.Str("signing_secret");
                return (secret.Length > 0 ? $"{secret}\n" : string.Empty) + "Created " + Detail(pipe, cli.Now)
                    + (secret.Length > 0 ? "Store the signing secret now (first line): it is not shown again.\n" : string.Empty);
            });
        });
        return command;
    }

    private static Command Toggle(CliContext cli, bool enable)
    {
        var id = new Argument<string>("id") { Description = "The pipe's id" };
        var command = new Command(enable ? "enable" : "disable", enable ? "Let a pipe act on mail received from now on" : "Pause a pipe (it keeps its settings)") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var updated = await api.PutAsync(Inputs.Path("pipes", parse.GetValue(id)!), new { enabled = enable }, ct);
            await cli.PrintAsync(parse, updated, a => $"{(enable ? "Enabled" : "Disabled")} pipe {a.GetProperty("pipe").Str("id")}.");
        });
        return command;
    }

    private static Command Delete(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The pipe's id" };
        var command = new Command("delete", "Delete a pipe and its runs") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.DeleteAsync(Inputs.Path("pipes", parse.GetValue(id)!), ct);
            await cli.PrintAsync(parse, answer, _ => $"Deleted pipe {parse.GetValue(id)}.");
        });
        return command;
    }

    private static string Detail(JsonElement pipe, DateTimeOffset now) =>
        new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"pipe {pipe.Str("id")}\n")
            .Append(CultureInfo.InvariantCulture, $"Name:          {pipe.Str("name")}\n")
            .Append(CultureInfo.InvariantCulture, $"When:          {Conditions(pipe)}\n")
            .Append(CultureInfo.InvariantCulture, $"Action:        {Action(pipe)}\n")
            .Append(CultureInfo.InvariantCulture, $"Strip closers: {(Yes(pipe.Str("strip_closers")) ? "yes" : "no")}\n")
            .Append(CultureInfo.InvariantCulture, $"Enabled:       {(Yes(pipe.Str("enabled")) ? "yes" : "no")}\n")
            .Append(CultureInfo.InvariantCulture, $"Updated:       {Dates.Exact(pipe.Str("updated_at"), now)}\n")
            .ToString();

    /// <summary>The conditions as the API applies them: OR-combined substrings, or every email.</summary>
    private static string Conditions(JsonElement pipe)
    {
        if (Yes(pipe.Str("match_all")))
        {
            return "every email";
        }

        var parts = new[] { ("from", pipe.Str("match_from")), ("subject", pipe.Str("match_subject")), ("body", pipe.Str("match_body")) }
            .Where(p => p.Item2.Length > 0)
            .Select(p => $"{p.Item1} has '{p.Item2}'");
        return string.Join(" or ", parts);
    }

    private static string Action(JsonElement pipe) => pipe.Str("action") switch
    {
        "webhook" => $"webhook {pipe.Str("action_url")}",
        "forward" => $"forward to {pipe.Str("action_to")}",
        "auto_reply" => $"auto_reply with template {pipe.Str("action_template_id")}",
        "tag" => $"tag {pipe.Str("action_tag")}",
        var other => other,
    };

    private static bool Yes(string value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}

using System.CommandLine;

namespace Moosermail.Cli.Commands;

/// <summary><c>send</c>: one email, from text, HTML or a template.</summary>
public static class SendCommand
{
    public static Command Create(CliContext cli)
    {
        var to = new Option<string[]>("--to") { Description = "Recipient (repeat for more)", Required = true };
        var subject = new Option<string?>("--subject") { Description = "Subject (not with --template)" };
        var body = new Option<string?>("--body") { Description = "Plain-text body; '-' reads it from stdin" };
        var html = new Option<string?>("--html") { Description = "HTML body" };
        var template = new Option<string?>("--template") { Description = "Template id to render instead of --subject/--body/--html" };
        var variables = new Option<string[]>("--var") { Description = "Template variable name=value (repeat for more)" };
        var from = new Option<string?>("--from") { Description = "One of your senders' addresses (default sender otherwise)" };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Makes a retry safe: the same key and email are sent once" };
        var command = new Command("send", "Send an email") { to, subject, body, html, template, variables, from, idempotencyKey };
        cli.Handle(command, async (parse, ct) =>
        {
            var templateId = parse.GetValue(template);
            var text = parse.GetValue(body) == "-" ? await cli.In.ReadToEndAsync(ct) : parse.GetValue(body);
            var vars = JsonText.Variables(parse.GetValue(variables));
            if (templateId is null)
            {
                if (string.IsNullOrEmpty(parse.GetValue(subject)))
                {
                    throw new UsageException("--subject is required (or use --template)");
                }

                if (string.IsNullOrEmpty(text) && parse.GetValue(html) is null)
                {
                    throw new UsageException("give --body, --html or --template");
                }

                if (vars.Count > 0)
                {
                    throw new UsageException("--var only works with --template");
                }
            }
            else if (parse.GetValue(subject) is not null || parse.GetValue(body) is not null || parse.GetValue(html) is not null)
            {
                throw new UsageException("--template replaces --subject, --body and --html");
            }

            var request = new
            {
                to = parse.GetValue(to),
                subject = parse.GetValue(subject),
                body = text,
                html = parse.GetValue(html),
                from = parse.GetValue(from),
                template_id = templateId,
                variables = templateId is null ? null : vars,
            };
            using var api = await cli.ApiAsync(ct);
            var answer = await api.PostAsync("send", request, ct, parse.GetValue(idempotencyKey));
            await cli.PrintAsync(parse, answer, a => $"{a.Str("status")}: {a.Str("id")}");
        });
        return command;
    }
}

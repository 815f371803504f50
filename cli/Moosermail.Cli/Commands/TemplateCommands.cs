using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Moosermail.Cli.Output;

namespace Moosermail.Cli.Commands;

/// <summary><c>templates list|get|create|update|delete|preview</c> over /api/templates.</summary>
public static class TemplateCommands
{
    public static Command Create(CliContext cli) =>
        new("templates", "Manage email templates ({{variables}} in subject, HTML and text)") { List(cli), Get(cli), New(cli), Update(cli), Delete(cli), Preview(cli) };

    private static Command List(CliContext cli)
    {
        var command = new Command("list", "List templates");
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync("templates", ct);
            await cli.PrintAsync(parse, answer, list =>
            {
                var table = new Table("ID", "NAME", "SUBJECT", "VARIABLES", "UPDATED").Flexible(1, 2, 3);
                foreach (var t in list.Items("templates"))
                {
                    table.Add(t.Str("id"), t.Str("name"), t.Str("subject"), t.Str("variables"), Dates.Relative(t.Str("updated_at"), cli.Now));
                }

                return table.Count == 0 ? "No templates: create one with 'moosermail templates create'." : table.Render(cli.Terminal);
            });
        });
        return command;
    }

    private static Command Get(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The template's id" };
        var command = new Command("get", "Show one template") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync(Inputs.Path("templates", parse.GetValue(id)!), ct);
            await cli.PrintAsync(parse, answer, a =>
            {
                var t = a.GetProperty("template");
                return new StringBuilder()
                    .Append(CultureInfo.InvariantCulture, $"Id:        {t.Str("id")}\n")
                    .Append(CultureInfo.InvariantCulture, $"Name:      {t.Str("name")}\n")
                    .Append(CultureInfo.InvariantCulture, $"Subject:   {t.Str("subject")}\n")
                    .Append(CultureInfo.InvariantCulture, $"Variables: {t.Str("variables")}\n")
                    .Append(CultureInfo.InvariantCulture, $"Updated:   {Dates.Exact(t.Str("updated_at"), cli.Now)}\n")
                    .Append(CultureInfo.InvariantCulture, $"\n--- text ---\n{t.Str("body_text")}\n")
                    .Append(CultureInfo.InvariantCulture, $"\n--- html ---\n{t.Str("body_html")}\n")
                    .ToString();
            });
        });
        return command;
    }

    private static Command New(CliContext cli)
    {
        var fields = new Fields(required: true);
        var command = new Command("create", "Create a template");
        fields.AddTo(command);
        cli.Handle(command, async (parse, ct) =>
        {
            var body = await fields.ReadAsync(cli, parse, ct);
            using var api = await cli.ApiAsync(ct);
            var created = await api.PostAsync("templates", body, ct);
            await cli.PrintAsync(parse, created, a => $"Created template {a.GetProperty("template").Str("id")} ({a.GetProperty("template").Str("name")}).");
        });
        return command;
    }

    private static Command Update(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The template's id" };
        var fields = new Fields(required: false);
        var command = new Command("update", "Change a template's name, subject or bodies (what is not given is kept)") { id };
        fields.AddTo(command);
        cli.Handle(command, async (parse, ct) =>
        {
            var body = await fields.ReadAsync(cli, parse, ct);
            if (body.Values.All(v => v is null))
            {
                throw new UsageException("nothing to change: give --name, --subject, --html(-file) or --text(-file)");
            }

            using var api = await cli.ApiAsync(ct);
            var updated = await api.PutAsync(Inputs.Path("templates", parse.GetValue(id)!), body, ct);
            await cli.PrintAsync(parse, updated, a => $"Updated template {a.GetProperty("template").Str("id")}.");
        });
        return command;
    }

    private static Command Delete(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The template's id" };
        var force = new Option<bool>("--force") { Description = "Also delete the triggers that use it (refused without this)" };
        var command = new Command("delete", "Delete a template") { id, force };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var path = Inputs.Path("templates", parse.GetValue(id)!) + (parse.GetValue(force) ? "?force=true" : string.Empty);
            var answer = await api.DeleteAsync(path, ct);
            await cli.PrintAsync(parse, answer, _ => $"Deleted template {parse.GetValue(id)}.");
        });
        return command;
    }

    private static Command Preview(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The template's id" };
        var variables = new Option<string[]>("--var") { Description = "Variable name=value (repeat for more)" };
        var html = new Option<bool>("--html") { Description = "Show the rendered HTML too" };
        var command = new Command("preview", "Render a template with variables; sends nothing") { id, variables, html };
        cli.Handle(command, async (parse, ct) =>
        {
            var vars = JsonText.Variables(parse.GetValue(variables));
            using var api = await cli.ApiAsync(ct);
            var answer = await api.PostAsync(Inputs.Path("templates", parse.GetValue(id)!) + "/render", new { variables = vars }, ct);
            await cli.PrintAsync(parse, answer, r =>
            {
                var text = new StringBuilder()
                    .Append(CultureInfo.InvariantCulture, $"Subject: {r.Str("subject")}\n");
                if (r.Str("missing").Length > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"Missing: {r.Str("missing")} (rendered empty; a send would be refused)\n");
                }

                text.Append(CultureInfo.InvariantCulture, $"\n{r.Str("text")}\n");
                if (parse.GetValue(html))
                {
                    text.Append(CultureInfo.InvariantCulture, $"\n--- html ---\n{r.Str("html")}\n");
                }

                return text.ToString();
            });
        });
        return command;
    }

    /// <summary>The options create and update share; the bodies may come from files.</summary>
    private sealed class Fields(bool required)
    {
        private readonly Option<string?> _name = new("--name") { Description = "The template's name", Required = required };
        private readonly Option<string?> _subject = new("--subject") { Description = "Subject, may use {{variables}}", Required = required };
        private readonly Option<string?> _html = new("--html") { Description = "HTML body ('-' reads stdin)" };
        private readonly Option<string?> _htmlFile = new("--html-file") { Description = "Read the HTML body from this file" };
        private readonly Option<string?> _text = new("--text") { Description = "Plain-text body ('-' reads stdin)" };
        private readonly Option<string?> _textFile = new("--text-file") { Description = "Read the plain-text body from this file" };

        public void AddTo(Command command)
        {
            foreach (var option in new[] { _name, _subject, _html, _htmlFile, _text, _textFile })
            {
                command.Options.Add(option);
            }
        }

        public async Task<Dictionary<string, string?>> ReadAsync(CliContext cli, ParseResult parse, CancellationToken ct)
        {
            var html = await Inputs.TextAsync(cli, parse.GetValue(_html), parse.GetValue(_htmlFile), "--html", "--html-file", ct);
            var text = await Inputs.TextAsync(cli, parse.GetValue(_text), parse.GetValue(_textFile), "--text", "--text-file", ct);
            if (required && html is null && text is null)
            {
                throw new UsageException("give a body: --html, --html-file, --text or --text-file");
            }

            return new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["name"] = parse.GetValue(_name),
                ["subject"] = parse.GetValue(_subject),
                ["body_html"] = html,
                ["body_text"] = text,
            };
        }
    }
}

using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Moosermail.Cli.Output;

namespace Moosermail.Cli.Commands;

/// <summary><c>contacts list|get|add|update|delete|import</c> over /api/contacts.</summary>
public static class ContactCommands
{
    public static Command Create(CliContext cli) =>
        new("contacts", "Manage the team's contacts (address book, tags, unsubscribes)") { List(cli), Get(cli), Add(cli), Update(cli), Delete(cli), Import(cli) };

    private static Command List(CliContext cli)
    {
        var search = new Option<string?>("--search", "-q") { Description = "Only contacts whose email or name contains this" };
        var tag = new Option<string?>("--tag") { Description = "Only contacts with this tag" };
        var limit = new Option<int?>("--limit") { Description = "How many per page" };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after the previous page (its last line prints the cursor)" };
        var command = new Command("list", "List contacts, ordered by email") { search, tag, limit, cursor };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var path = Inputs.Query("contacts", ("search", parse.GetValue(search)), ("tag", parse.GetValue(tag)),
                ("limit", parse.GetValue(limit)?.ToString(CultureInfo.InvariantCulture)), ("cursor", parse.GetValue(cursor)));
            var answer = await api.GetAsync(path, ct);
            await cli.PrintAsync(parse, answer, page =>
            {
                var table = new Table("ID", "EMAIL", "NAME", "TAGS", "SUBSCRIBED", "ADDED").Flexible(1, 2, 3);
                foreach (var c in page.Items("contacts"))
                {
                    table.Add(c.Str("id"), c.Str("email"), c.Str("name"), c.Str("tags"), Yes(c.Str("unsubscribed")) ? "no" : "yes", Dates.Relative(c.Str("created_at"), cli.Now));
                }

                if (table.Count == 0)
                {
                    return "No contacts.";
                }

                var next = page.Str("next_cursor");
                return table.Render(cli.Terminal) + (next.Length > 0 ? $"... next page: --cursor {next}\n" : string.Empty);
            });
        });
        return command;
    }

    private static Command Get(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The contact's id" };
        var command = new Command("get", "Show one contact") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync(Inputs.Path("contacts", parse.GetValue(id)!), ct);
            await cli.PrintAsync(parse, answer, a =>
            {
                var c = a.GetProperty("contact");
                return new StringBuilder()
                    .Append(CultureInfo.InvariantCulture, $"Id:           {c.Str("id")}\n")
                    .Append(CultureInfo.InvariantCulture, $"Email:        {c.Str("email")}\n")
                    .Append(CultureInfo.InvariantCulture, $"Name:         {c.Str("name")}\n")
                    .Append(CultureInfo.InvariantCulture, $"Tags:         {c.Str("tags")}\n")
                    .Append(CultureInfo.InvariantCulture, $"Unsubscribed: {(Yes(c.Str("unsubscribed")) ? "yes" : "no")}\n")
                    .Append(CultureInfo.InvariantCulture, $"Properties:   {c.Str("properties")}\n")
                    .Append(CultureInfo.InvariantCulture, $"Added:        {Dates.Exact(c.Str("created_at"), cli.Now)}\n")
                    .ToString();
            });
        });
        return command;
    }

    private static Command Add(CliContext cli)
    {
        var email = new Argument<string>("email") { Description = "The contact's address" };
        var fields = new Fields();
        var command = new Command("add", "Add a contact") { email };
        fields.AddTo(command);
        cli.Handle(command, async (parse, ct) =>
        {
            var body = fields.Read(parse);
            body["email"] = parse.GetValue(email);
            using var api = await cli.ApiAsync(ct);
            var created = await api.PostAsync("contacts", body, ct);
            await cli.PrintAsync(parse, created, a => $"Added contact {a.GetProperty("contact").Str("id")} ({a.GetProperty("contact").Str("email")}).");
        });
        return command;
    }

    private static Command Update(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The contact's id" };
        var email = new Option<string?>("--email") { Description = "A new address" };
        var fields = new Fields();
        var command = new Command("update", "Change a contact (what is not given is kept; --tag replaces all tags)") { id, email };
        fields.AddTo(command);
        cli.Handle(command, async (parse, ct) =>
        {
            var body = fields.Read(parse);
            if (parse.GetValue(email) is { } address)
            {
                body["email"] = address;
            }

            if (body.Count == 0)
            {
                throw new UsageException("nothing to change: give --email, --name, --tag, --no-tags, --property, --subscribed or --unsubscribed");
            }

            using var api = await cli.ApiAsync(ct);
            var updated = await api.PutAsync(Inputs.Path("contacts", parse.GetValue(id)!), body, ct);
            await cli.PrintAsync(parse, updated, a => $"Updated contact {a.GetProperty("contact").Str("id")}.");
        });
        return command;
    }

    private static Command Delete(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The contact's id" };
        var command = new Command("delete", "Delete a contact") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.DeleteAsync(Inputs.Path("contacts", parse.GetValue(id)!), ct);
            await cli.PrintAsync(parse, answer, _ => $"Deleted contact {parse.GetValue(id)}.");
        });
        return command;
    }

    private static Command Import(CliContext cli)
    {
        var file = new Argument<string>("file") { Description = "A CSV file with the header email,name,tags ('-' reads stdin); at most 5 MB" };
        var command = new Command("import", "Import contacts from CSV: new addresses are added, known ones updated") { file };
        cli.Handle(command, async (parse, ct) =>
        {
            var csv = await Inputs.TextAsync(cli, null, parse.GetValue(file), "", "the file", ct) ?? string.Empty;
            using var content = new StringContent(csv, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
            using var api = await cli.ApiAsync(ct);
            var answer = await api.PostContentAsync("contacts/import", content, ct);
            await cli.PrintAsync(parse, answer, r =>
            {
                var text = new StringBuilder($"Imported {r.Str("imported")}, updated {r.Str("updated")}, refused {r.Items("errors").Count()}.\n");
                foreach (var error in r.Items("errors"))
                {
                    text.Append(CultureInfo.InvariantCulture, $"  row {error.Str("row")} {error.Str("email")}: {error.Str("message")}\n");
                }

                return text.ToString();
            });
        });
        return command;
    }

    private static bool Yes(string value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The options add and update share.</summary>
    private sealed class Fields
    {
        private readonly Option<string?> _name = new("--name") { Description = "The contact's name ('' clears it)" };
        private readonly Option<string[]> _tags = new("--tag") { Description = "A tag (repeat for more; replaces the contact's tags)" };
        private readonly Option<bool> _noTags = new("--no-tags") { Description = "Remove every tag" };
        private readonly Option<string[]> _properties = new("--property") { Description = "A property name=value (repeat for more; replaces the contact's properties)" };
        private readonly Option<bool> _unsubscribed = new("--unsubscribed") { Description = "Mark the contact unsubscribed: tag and trigger sends skip it" };
        private readonly Option<bool> _subscribed = new("--subscribed") { Description = "Mark the contact subscribed again" };

        public void AddTo(Command command)
        {
            foreach (Option option in new Option[] { _name, _tags, _noTags, _properties, _unsubscribed, _subscribed })
            {
                command.Options.Add(option);
            }
        }

        public Dictionary<string, object?> Read(ParseResult parse)
        {
            var body = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (parse.GetValue(_name) is { } name)
            {
                body["name"] = name;
            }

            var tags = parse.GetValue(_tags) ?? [];
            if (parse.GetValue(_noTags))
            {
                body["tags"] = tags.Length > 0 ? throw new UsageException("give --tag or --no-tags, not both") : Array.Empty<string>();
            }
            else if (tags.Length > 0)
            {
                body["tags"] = tags;
            }

            if (parse.GetValue(_properties) is { Length: > 0 } properties)
            {
                body["properties"] = JsonText.Variables(properties, "--property");
            }

            if (parse.GetValue(_unsubscribed) && parse.GetValue(_subscribed))
            {
                throw new UsageException("give --subscribed or --unsubscribed, not both");
            }

            if (parse.GetValue(_unsubscribed) || parse.GetValue(_subscribed))
            {
                body["unsubscribed"] = parse.GetValue(_unsubscribed);
            }

            return body;
        }
    }
}

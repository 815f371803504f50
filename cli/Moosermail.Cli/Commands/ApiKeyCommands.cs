using System.CommandLine;
using Moosermail.Cli.Output;

namespace Moosermail.Cli.Commands;

/// <summary><c>api-keys create|list|revoke</c>: the team's mk_ keys for apps and scripts.</summary>
public static class ApiKeyCommands
{
    public static Command Create(CliContext cli) => new("api-keys", "Manage Moosermail API keys (mk_...)") { New(cli), List(cli), Revoke(cli) };

    private static Command New(CliContext cli)
    {
        var name = new Option<string>("--name") { Description = "What the key is for", Required = true };
        var expiresIn = new Option<string>("--expires-in") { Description = "never, 7d, 30d, 90d, 6mo, 1y", Required = true };
        var permissions = new Option<string[]>("--permission") { Description = "Narrow the key to this permission, e.g. emails:send (repeat for more; default: all of yours)" };
        var command = new Command("create", "Create an API key; it is printed this once") { name, expiresIn, permissions };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var created = await api.PostAsync("api-keys", new
            {
                name = parse.GetValue(name),
                expires_in = parse.GetValue(expiresIn),
                permissions = parse.GetValue(permissions) is { Length: > 0 } p ? p : null,
            }, ct);
            await cli.PrintAsync(parse, created, k =>
                $"{k.Str("key")}\n" +
                $"Created API key '{k.Str("name")}' ({k.Str("id")}), expires {(k.Str("expires_at").Length == 0 ? "never" : k.When("expires_at"))}.\n" +
                "Store it now: it is not shown again.");
        });
        return command;
    }

    private static Command List(CliContext cli)
    {
        var command = new Command("list", "List API keys (prefixes only)");
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync("api-keys", ct);
            await cli.PrintAsync(parse, answer, list =>
            {
                var table = new Table("ID", "PREFIX", "NAME", "EXPIRES", "LAST USED").Flexible(2);
                foreach (var k in list.Items("api_keys"))
                {
                    table.Add(k.Str("id"), k.Str("prefix"), k.Str("name"), k.Str("expires_at").Length == 0 ? "never" : k.When("expires_at"),
                        k.Str("last_used_at").Length == 0 ? "never" : Dates.Relative(k.Str("last_used_at"), cli.Now));
                }

                return table.Count == 0 ? "No API keys." : table.Render(cli.Terminal);
            });
        });
        return command;
    }

    private static Command Revoke(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The key's id (from 'api-keys list')" };
        var command = new Command("revoke", "Revoke an API key at once") { id };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.DeleteAsync("api-keys/" + Uri.EscapeDataString(parse.GetValue(id)!), ct);
            await cli.PrintAsync(parse, answer, _ => $"Revoked {parse.GetValue(id)}.");
        });
        return command;
    }
}

using System.CommandLine;
using Moosermail.Cli.Output;

namespace Moosermail.Cli.Commands;

/// <summary><c>keys add</c> and <c>keys list</c>: the team's Resend API keys (senders).</summary>
public static class KeyCommands
{
    public static Command Create(CliContext cli) => new("keys", "Manage the Resend API keys your team sends with") { Add(cli), List(cli) };

    private static Command Add(CliContext cli)
    {
        var apiKey = new Option<string>("--api-key") { Description = "A Resend API key (re_...); checked with Resend, stored encrypted", Required = true };
        var from = new Option<string>("--from") { Description = "The From address it sends as", Required = true };
        var name = new Option<string?>("--name") { Description = "A name for it" };
        var command = new Command("add", "Add a Resend API key as a sender") { apiKey, from, name };
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var request = new { api_key = parse.GetValue(apiKey), from_address = parse.GetValue(from), name = parse.GetValue(name) };
            var sender = await api.PostAsync("keys", request, ct);
            await cli.PrintAsync(parse, sender, s => $"Added sender {s.Str("id")} ({s.Str("from_address")}, key {s.Str("hint")}).");
        });
        return command;
    }

    private static Command List(CliContext cli)
    {
        var command = new Command("list", "List senders (key hints only)");
        cli.Handle(command, async (parse, ct) =>
        {
            using var api = await cli.ApiAsync(ct);
            var answer = await api.GetAsync("keys", ct);
            await cli.PrintAsync(parse, answer, list =>
            {
                var table = new Table("ID", "KEY", "FROM", "NAME", "DEFAULT").Flexible(2, 3);
                foreach (var k in list.Items("keys"))
                {
                    table.Add(k.Str("id"), k.Str("hint"), k.Str("from_address"), k.Str("name"), string.Equals(k.Str("is_default"), "true", StringComparison.OrdinalIgnoreCase) ? "yes" : "");
                }

                return table.Count == 0 ? "No senders: add one with 'moosermail keys add'." : table.Render(cli.Terminal);
            });
        });
        return command;
    }
}

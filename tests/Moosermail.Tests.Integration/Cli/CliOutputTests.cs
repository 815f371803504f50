using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Cli.Output;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Templates;

namespace Moosermail.Tests.Integration.Cli;

/// <summary>Output for people (aligned, relative dates, cut to the terminal, colour only on a terminal) and for scripts (the API's JSON unchanged).</summary>
[Collection(AppCollection.Name)]
public sealed class CliOutputTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task OnANarrowTerminal_RowsAreCutToItsWidth_IdsKeptWhole_AndHeadersBold()
    {
        var user = await TestUsers.CreateAsync(app);
        var template = await TestContent.CreateTemplateAsync(_client, user, subject: "A rather long subject line that cannot fit in sixty columns {{name}}", name: "a-template-with-a-long-name");
        using var cli = new CliRunner(app, user.Token) { Terminal = Terminal.Create(isTty: true, measuredWidth: 70, new Dictionary<string, string?>()) };

        var list = await cli.RunAsync("templates", "list");

        var lines = list.Out.TrimEnd().Split('\n');
        Assert.StartsWith("\u001b[1m", lines[0], StringComparison.Ordinal);
        var row = lines[1];
        Assert.True(row.Length <= 70, row);
        Assert.StartsWith(template.GetProperty("id").GetString()! + "  ", row, StringComparison.Ordinal);
        Assert.Contains("…", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoColorOrAPipe_MeansNoEscapes_AndAPipeIsNotCut()
    {
        var user = await TestUsers.CreateAsync(app);
        var subject = "A rather long subject line that a pipe keeps whole " + new string('x', 80);
        await TestContent.CreateTemplateAsync(_client, user, subject: subject);
        using var noColor = new CliRunner(app, user.Token) { Terminal = Terminal.Create(isTty: true, measuredWidth: 200, new Dictionary<string, string?> { ["NO_COLOR"] = "1" }) };
        using var pipe = new CliRunner(app, user.Token);

        var onTerminal = await noColor.RunAsync("templates", "list");
        var piped = await pipe.RunAsync("templates", "list");

        Assert.DoesNotContain("\u001b", onTerminal.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", piped.Out, StringComparison.Ordinal);
        Assert.Contains(subject, piped.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dates_AreRelativeInTables_AndExactInDetails()
    {
        var user = await TestUsers.CreateAsync(app);
        var template = await TestContent.CreateTemplateAsync(_client, user);
        var updatedAt = template.GetProperty("updated_at").GetDateTimeOffset();
        using var cli = new CliRunner(app, user.Token) { Time = new FakeTimeProvider(updatedAt.AddMinutes(3).AddSeconds(5)) };

        var list = await cli.RunAsync("templates", "list");
        var get = await cli.RunAsync("templates", "get", template.GetProperty("id").GetString()!);
        cli.Time = new FakeTimeProvider(updatedAt.AddDays(2));
        var later = await cli.RunAsync("templates", "list");

        Assert.EndsWith("  3 minutes ago", list.Out.TrimEnd().Split('\n')[1], StringComparison.Ordinal);
        Assert.Contains($"Updated:   {updatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z (3 minutes ago)", get.Out, StringComparison.Ordinal);
        Assert.EndsWith("  2 days ago", later.Out.TrimEnd().Split('\n')[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_IsTheApisAnswerByteForByte()
    {
        var user = await TestUsers.CreateAsync(app);
        await TestContent.CreateTemplateAsync(_client, user, subject: "Grüße <b>&</b> \"quotes\" {{name}}");
        var direct = await _client.SendAsync(user.Request(HttpMethod.Get, "api/templates"));
        var raw = await direct.Content.ReadAsStringAsync();
        using var cli = new CliRunner(app, user.Token);

        var list = await cli.RunAsync("templates", "list", "--json");

        Assert.Equal(raw, list.Out.TrimEnd('\n'));
        using var parsed = JsonDocument.Parse(list.Out);
        Assert.Equal("Grüße <b>&</b> \"quotes\" {{name}}", parsed.RootElement.GetProperty("templates")[0].GetProperty("subject").GetString());
    }

    [Fact]
    public async Task ControlCharactersFromTheApi_DoNotBreakTheColumns()
    {
        var user = await TestUsers.CreateAsync(app);
        await TestContent.SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email = "tab@example.com", name = "Tab\there\u001b[31m" });
        using var cli = new CliRunner(app, user.Token);

        var list = await cli.RunAsync("contacts", "list");

        var lines = list.Out.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain("\u001b", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\t", list.Out, StringComparison.Ordinal);
    }
}

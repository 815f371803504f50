using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Templates;

namespace Moosermail.Tests.Integration.Mcp;

/// <summary>send_template, fire_trigger, the template and trigger readers, send_log and idempotency_key.</summary>
[Collection(AppCollection.Name)]
public sealed class McpSendToolTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task SendTemplate_AndFireTrigger_SendThroughTheOutbox_AndShowInTheSendLog()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, resendKey) = await TestSenders.AddAsync(_client, user);
        var template = await TestContent.CreateTemplateAsync(_client, user);
        var templateId = template.GetProperty("id").GetString();
        var trigger = await TestContent.CreateTriggerAsync(_client, user, template.GetProperty("id").GetGuid(), name: "welcome-trigger");
        var mcp = new McpClient(_client, user);

        var (templatesError, templates) = await mcp.CallToolAsync("list_templates");
        var (getError, detail) = await mcp.CallToolAsync("get_template", new { id = templateId });
        var (sendError, sent) = await mcp.CallToolAsync("send_template", new { template_id = templateId, to = "ann@example.com", variables = new { name = "Ann" } });
        var (triggersError, triggers) = await mcp.CallToolAsync("list_triggers");
        var (fireError, fired) = await mcp.CallToolAsync("fire_trigger", new { id = trigger.GetProperty("id").GetString(), to = "bob@example.com", variables = new { name = "Bob" } });
        var (logError, log) = await mcp.CallToolAsync("send_log", new { limit = 10 });

        Assert.False(templatesError, templates);
        Assert.Equal(["name"], TestContent.Strings(JsonDocument.Parse(templates).RootElement.GetProperty("templates")[0].GetProperty("variables")));
        Assert.False(getError, detail);
        Assert.Equal("Hi {{name}}", JsonDocument.Parse(detail).RootElement.GetProperty("body_text").GetString());
        Assert.False(sendError, sent);
        Assert.Equal("sent", JsonDocument.Parse(sent).RootElement.GetProperty("status").GetString());
        Assert.False(triggersError, triggers);
        Assert.Contains("welcome-trigger", triggers, StringComparison.Ordinal);
        Assert.DoesNotContain(trigger.GetProperty("trigger_key").GetString()!, triggers, StringComparison.Ordinal);
        Assert.False(fireError, fired);
        Assert.Equal(1, JsonDocument.Parse(fired).RootElement.GetProperty("sent").GetInt32());
        Assert.Equal(2, await app.Sandbox.AcceptedSendsAsync(resendKey));
        Assert.False(logError, log);
        var logs = JsonDocument.Parse(log).RootElement.GetProperty("logs").EnumerateArray().ToList();
        Assert.Equal(2, logs.Count);
        Assert.Contains(logs, l => l.GetProperty("trigger_name").GetString() == "welcome-trigger");
        Assert.All(logs, l => Assert.Equal("welcome", l.GetProperty("template_name").GetString()));
    }

    [Fact]
    public async Task IdempotencyKey_ReplayGivesTheSameEmail_AndSendsOnce()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, resendKey) = await TestSenders.AddAsync(_client, user);
        var template = await TestContent.CreateTemplateAsync(_client, user);
        var mcp = new McpClient(_client, user);
        var key = Guid.NewGuid().ToString();
        var email = new { to = "a@example.com", subject = "Hi", body = "Hello", idempotency_key = key };
        var templated = new { template_id = template.GetProperty("id").GetString(), to = "b@example.com", variables = new { name = "B" }, idempotency_key = Guid.NewGuid().ToString() };

        var (_, first) = await mcp.CallToolAsync("send_email", email);
        var (replayError, replay) = await mcp.CallToolAsync("send_email", email);
        var (otherError, other) = await mcp.CallToolAsync("send_email", email with { subject = "Another" });
        var (_, firstTemplated) = await mcp.CallToolAsync("send_template", templated);
        var (_, replayTemplated) = await mcp.CallToolAsync("send_template", templated);

        Assert.False(replayError, replay);
        Assert.Equal(Id(first), Id(replay));
        Assert.True(otherError);
        Assert.Contains("already used with a different request", other, StringComparison.Ordinal);
        Assert.Equal(Id(firstTemplated), Id(replayTemplated));
        Assert.Equal(2, await app.Sandbox.AcceptedSendsAsync(resendKey));
    }

    [Fact]
    public async Task ToolResults_AreCompactJsonWithoutUnicodeEscapes()
    {
        var user = await TestUsers.CreateAsync(app);
        var template = await TestContent.CreateTemplateAsync(_client, user, subject: "Say \"hi\" to <Ann> & Zoë's team", name: "quotes");
        var mcp = new McpClient(_client, user);

        var (_, text) = await mcp.CallToolAsync("get_template", new { id = template.GetProperty("id").GetString() });

        Assert.Contains("<Ann> & Zoë's team", text, StringComparison.Ordinal);
        Assert.Contains("Say \\\"hi\\\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text, StringComparison.Ordinal);
    }

    private static string Id(string result) => JsonDocument.Parse(result).RootElement.GetProperty("id").GetString()!;
}

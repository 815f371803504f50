using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Templates;

namespace Moosermail.Tests.Integration.Mcp;

/// <summary>Each tool's permission, another team's ids and hostile arguments: error results, nothing sent.</summary>
[Collection(AppCollection.Name)]
public sealed class McpToolAbuseTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task NarrowKey_EachToolChecksItsOwnPermission()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, resendKey) = await TestSenders.AddAsync(_client, user);
        var template = await TestContent.CreateTemplateAsync(_client, user);
        var trigger = await TestContent.CreateTriggerAsync(_client, user, template.GetProperty("id").GetGuid());
        var (_, mk, _) = await TestApiKeys.CreateAsync(_client, user, permissions: ["emails:read"]);
        var mcp = new McpClient(_client, user.Using(mk));
        var templateId = template.GetProperty("id").GetString();
        var refusals = new (string Tool, object Args, string Permission)[]
        {
            ("send_email", new { to = "a@example.com", subject = "Hi", body = "Hello" }, "emails:send"),
            ("send_template", new { template_id = templateId, to = "a@example.com", variables = new { name = "A" } }, "emails:send"),
            ("fire_trigger", new { id = trigger.GetProperty("id").GetString() }, "emails:send"),
            ("get_template", new { id = templateId }, "templates:read"),
            ("list_templates", new { }, "templates:read"),
            ("list_triggers", new { }, "triggers:read"),
            ("list_senders", new { }, "senders:read"),
        };

        foreach (var (tool, args, permission) in refusals)
        {
            var (isError, text) = await mcp.CallToolAsync(tool, args);
            Assert.True(isError, tool);
            Assert.Contains(permission, text, StringComparison.Ordinal);
        }

        Assert.False((await mcp.CallToolAsync("list_sent")).IsError);
        Assert.False((await mcp.CallToolAsync("send_log")).IsError);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(resendKey));
    }

    [Fact]
    public async Task OtherTeamsIds_AreNotFound_AndSendNothing()
    {
        var owner = await TestUsers.CreateAsync(app);
        var (_, ownerKey) = await TestSenders.AddAsync(_client, owner);
        var template = await TestContent.CreateTemplateAsync(_client, owner);
        var trigger = await TestContent.CreateTriggerAsync(_client, owner, template.GetProperty("id").GetGuid());
        var stranger = await TestUsers.CreateAsync(app);
        var (_, strangerKey) = await TestSenders.AddAsync(_client, stranger);
        var mcp = new McpClient(_client, stranger);
        var templateId = template.GetProperty("id").GetString();

        var (getError, get) = await mcp.CallToolAsync("get_template", new { id = templateId });
        var (sendError, send) = await mcp.CallToolAsync("send_template", new { template_id = templateId, to = "a@example.com", variables = new { name = "A" } });
        var (emailError, email) = await mcp.CallToolAsync("send_email", new { to = "a@example.com", template_id = templateId, variables = new { name = "A" } });
        var (fireError, fire) = await mcp.CallToolAsync("fire_trigger", new { id = trigger.GetProperty("id").GetString(), to = "a@example.com" });
        var (_, templates) = await mcp.CallToolAsync("list_templates");
        var (_, triggers) = await mcp.CallToolAsync("list_triggers");

        Assert.True(getError);
        Assert.Contains("No template", get, StringComparison.Ordinal);
        Assert.True(sendError, send);
        Assert.True(emailError, email);
        Assert.True(fireError);
        Assert.Contains("No trigger with this id", fire, StringComparison.Ordinal);
        Assert.Empty(JsonDocument.Parse(templates).RootElement.GetProperty("templates").EnumerateArray());
        Assert.Empty(JsonDocument.Parse(triggers).RootElement.GetProperty("triggers").EnumerateArray());
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(ownerKey));
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(strangerKey));
    }

    public static TheoryData<string, string, string> HostileCalls => new()
    {
        { "send_email", """{"to":42,"subject":"Hi","body":"Hello"}""", "to:" },
        { "send_email", """{"subject":"Hi","body":"Hello"}""", "to: is required" },
        { "send_email", """{"to":"a@example.com","subject":"Hi","body":"Hello","bcc_everyone":true}""", "bcc_everyone: is not an argument" },
        { "send_email", """{"to":"a@example.com","subject":"Hi","body":"Hello","idempotency_key":""}""", "idempotency_key:" },
        { "send_email", """{"to":"a@example.com","subject":"Hi","body":"Hello","idempotency_key":7}""", "idempotency_key: must be a string" },
        { "send_email", """{"to":"a@example.com","subject":"Hi","body":"Hello","scheduled_at":"tomorrow-ish"}""", "scheduled_at:" },
        { "send_email", """{"to":"not-an-address","subject":"Hi","body":"Hello"}""", "to:" },
        { "send_email", """{"to":"a@example.com","subject":"Hi\r\nBcc: victim@example.com","body":"Hello"}""", "subject:" },
        { "send_template", """{"template_id":"../../etc/passwd","to":"a@example.com"}""", "template_id: must be an id" },
        { "fire_trigger", """{}""", "id: is required" },
        { "fire_trigger", """{"id":"00000000-0000-0000-0000-000000000000"}""", "No trigger with this id" },
        { "get_template", """{"id":{"$ne":null}}""", "id: must be a string" },
        { "list_sent", """{"limit":"ten"}""", "limit: must be a whole number" },
        { "list_sent", """{"limit":100000}""", "limit" },
        { "send_log", """{"limit":1.5}""", "limit: must be a whole number" },
        { "list_templates", """{"q":"x"}""", "it takes none" },
    };

    [Theory]
    [MemberData(nameof(HostileCalls))]
    public async Task HostileArguments_AreErrorResultsNamingTheArgument_AndSendNothing(string tool, string arguments, string says)
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, resendKey) = await TestSenders.AddAsync(_client, user);
        var mcp = new McpClient(_client, user);

        var body = await mcp.RequestRawArgumentsAsync(tool, arguments);

        var result = body.GetProperty("result");
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Contains(says, result.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(resendKey));
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"send_email","arguments":[1,2]}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"send_email"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call"}""")]
    public async Task MalformedToolCalls_AreJsonRpcErrors_NotServerErrors(string json)
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, resendKey) = await TestSenders.AddAsync(_client, user);
        var mcp = new McpClient(_client, user);

        var (status, body) = await mcp.PostRawAsync(json);

        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, status.ToString());
        Assert.True(body.TryGetProperty("error", out var error), body.ToString());
        Assert.InRange(error.GetProperty("code").GetInt32(), -32700, -32600);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(resendKey));
    }
}

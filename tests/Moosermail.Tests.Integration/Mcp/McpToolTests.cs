using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Mcp;

[Collection(AppCollection.Name)]
public sealed class McpToolTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task SendEmail_WithMkKey_ReachesResendAndShowsInTheLog()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, resendKey) = await TestSenders.AddAsync(_client, user);
        var (_, mk, _) = await TestApiKeys.CreateAsync(_client, user);
        var mcp = new McpClient(_client, user.Using(mk));

        var (isError, text) = await mcp.CallToolAsync("send_email", new { to = "a@example.com", subject = "Hi", body = "Hello" });

        Assert.False(isError, text);
        using var sent = JsonDocument.Parse(text);
        Assert.Equal("sent", sent.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(resendKey));
        var (getError, detail) = await mcp.CallToolAsync("get_sent", new { id = sent.RootElement.GetProperty("id").GetString() });
        Assert.False(getError, detail);
        Assert.Contains("a@example.com", detail, StringComparison.Ordinal);
        var (_, list) = await mcp.CallToolAsync("list_sent", new { limit = 10 });
        Assert.Single(JsonDocument.Parse(list).RootElement.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task SendEmail_KeyWithoutEmailsSend_IsToolErrorAndSendsNothing()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, resendKey) = await TestSenders.AddAsync(_client, user);
        var (_, mk, _) = await TestApiKeys.CreateAsync(_client, user, permissions: ["emails:read"]);
        var mcp = new McpClient(_client, user.Using(mk));

        var (isError, text) = await mcp.CallToolAsync("send_email", new { to = "a@example.com", subject = "Hi", body = "Hello" });
        var (listError, _) = await mcp.CallToolAsync("list_sent");

        Assert.True(isError);
        Assert.Contains("emails:send", text, StringComparison.Ordinal);
        Assert.False(listError);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(resendKey));
    }

    [Fact]
    public async Task SendEmail_BadInput_IsToolErrorNamingTheField()
    {
        var user = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(_client, user);
        var mcp = new McpClient(_client, user);

        var (isError, text) = await mcp.CallToolAsync("send_email", new { to = "not-an-address", subject = 42, body = "Hello" });

        Assert.True(isError);
        Assert.Contains("subject", text, StringComparison.Ordinal);
    }

    /// <summary>The promise: the key is decrypted per request and never cached.</summary>
    [Fact]
    public async Task SendEmail_AfterKeyRotation_UsesTheNewKey_AndAfterDeleteFailsCleanly()
    {
        var user = await TestUsers.CreateAsync(app);
        var (senderId, oldKey) = await TestSenders.AddAsync(_client, user);
        var mcp = new McpClient(_client, user);
        var email = new { to = "a@example.com", subject = "Hi", body = "Hello" };

        var (firstError, first) = await mcp.CallToolAsync("send_email", email);
        var newKey = Resend.SandboxFixture.NewKey();
        var rotated = await _client.SendAsync(user.Request(HttpMethod.Put, $"api/keys/{senderId}", new { api_key = newKey }));
        var (secondError, second) = await mcp.CallToolAsync("send_email", email);
        var deleted = await _client.SendAsync(user.Request(HttpMethod.Delete, $"api/keys/{senderId}"));
        var (thirdError, third) = await mcp.CallToolAsync("send_email", email);

        Assert.False(firstError, first);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.False(secondError, second);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(oldKey));
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(newKey));
        Assert.True(deleted.IsSuccessStatusCode);
        Assert.True(thirdError);
        Assert.DoesNotContain(newKey, third, StringComparison.Ordinal);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(newKey));
    }

    [Fact]
    public async Task GetSent_OtherTeamsId_IsToolErrorNotFound()
    {
        var owner = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(_client, owner);
        var (_, sent) = await new McpClient(_client, owner).CallToolAsync("send_email", new { to = "a@example.com", subject = "Hi", body = "Hello" });
        var id = JsonDocument.Parse(sent).RootElement.GetProperty("id").GetString();
        var stranger = new McpClient(_client, await TestUsers.CreateAsync(app));

        var (isError, text) = await stranger.CallToolAsync("get_sent", new { id });
        var (_, list) = await stranger.CallToolAsync("list_sent");
        var (_, senders) = await stranger.CallToolAsync("list_senders");

        Assert.True(isError);
        Assert.Contains("No email with this id", text, StringComparison.Ordinal);
        Assert.Empty(JsonDocument.Parse(list).RootElement.GetProperty("data").EnumerateArray());
        Assert.Empty(JsonDocument.Parse(senders).RootElement.GetProperty("senders").EnumerateArray());
    }

    [Fact]
    public async Task ListSendersAndTemplates_ShowTheTeamsRowsWithoutKeys()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, resendKey) = await TestSenders.AddAsync(_client, user);
        var mcp = new McpClient(_client, user);

        var (sendersError, senders) = await mcp.CallToolAsync("list_senders");
        var (templatesError, templates) = await mcp.CallToolAsync("list_templates");

        Assert.False(sendersError, senders);
        Assert.Single(JsonDocument.Parse(senders).RootElement.GetProperty("senders").EnumerateArray());
        Assert.DoesNotContain(resendKey, senders, StringComparison.Ordinal);
        Assert.False(templatesError, templates);
        Assert.Empty(JsonDocument.Parse(templates).RootElement.GetProperty("templates").EnumerateArray());
    }
}

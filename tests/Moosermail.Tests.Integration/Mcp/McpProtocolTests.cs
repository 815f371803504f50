using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Moosermail.Functions.Mcp;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Mcp;

[Collection(AppCollection.Name)]
public sealed class McpProtocolTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Initialize_KnownVersion_EchoesItWithToolsCapabilityAndServerInfo()
    {
        var mcp = new McpClient(_client, await TestUsers.CreateAsync(app));

        var body = await mcp.RequestAsync("initialize", new { protocolVersion = "2025-06-18", capabilities = new { }, clientInfo = new { name = "test", version = "1" } });

        var result = body.GetProperty("result");
        Assert.Equal("2025-06-18", result.GetProperty("protocolVersion").GetString());
        Assert.Equal(JsonValueKind.Object, result.GetProperty("capabilities").GetProperty("tools").ValueKind);
        Assert.Equal("moosermail", result.GetProperty("serverInfo").GetProperty("name").GetString());
        var (status, _) = await mcp.PostRawAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        Assert.Equal(HttpStatusCode.Accepted, status);
    }

    [Fact]
    public async Task Initialize_UnknownVersion_AnswersWithTheNewestSupported()
    {
        var mcp = new McpClient(_client, await TestUsers.CreateAsync(app));

        var body = await mcp.RequestAsync("initialize", new { protocolVersion = "1999-01-01", capabilities = new { }, clientInfo = new { name = "test", version = "1" } });

        Assert.Equal("2025-11-25", body.GetProperty("result").GetProperty("protocolVersion").GetString());
    }

    [Fact]
    public async Task Ping_ReturnsEmptyResult()
    {
        var mcp = new McpClient(_client, await TestUsers.CreateAsync(app));

        var body = await mcp.RequestAsync("ping");

        Assert.Equal(JsonValueKind.Object, body.GetProperty("result").ValueKind);
    }

    [Fact]
    public async Task ToolsList_ShowsEveryToolWithASchema()
    {
        var mcp = new McpClient(_client, await TestUsers.CreateAsync(app));

        var body = await mcp.RequestAsync("tools/list");

        var tools = body.GetProperty("result").GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(McpToolCatalog.All.Select(t => t.Name).Order(), tools.Select(t => t.GetProperty("name").GetString()).Order());
        Assert.Contains("send_template", tools.Select(t => t.GetProperty("name").GetString()));
        Assert.All(tools, t => Assert.Equal("object", t.GetProperty("inputSchema").GetProperty("type").GetString()));
    }

    [Fact]
    public async Task UnknownMethod_IsMethodNotFound()
    {
        var mcp = new McpClient(_client, await TestUsers.CreateAsync(app));

        var body = await mcp.RequestAsync("resources/list");

        Assert.Equal(-32601, body.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task UnknownTool_IsInvalidParams()
    {
        var mcp = new McpClient(_client, await TestUsers.CreateAsync(app));

        var body = await mcp.RequestAsync("tools/call", new { name = "drop_tables", arguments = new { } });

        Assert.Equal(-32602, body.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("{not json", -32700)]
    [InlineData("[]", -32600)]
    [InlineData("{\"hello\":1}", -32600)]
    public async Task MalformedBody_Returns400WithJsonRpcError(string json, int code)
    {
        var mcp = new McpClient(_client, await TestUsers.CreateAsync(app));

        var (status, body) = await mcp.PostRawAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, body.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("id").ValueKind);
    }

    [Fact]
    public async Task Unauthenticated_Returns401Problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
        };

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task GetOrDelete_Returns405Problem(string method)
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.Request(new HttpMethod(method), "api/mcp"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Post_AnswersWithOneSseEvent_AndNoSessionId()
    {
        var user = await TestUsers.CreateAsync(app);
        using var request = user.RawJson(HttpMethod.Post, "api/mcp", """{"jsonrpc":"2.0","id":7,"method":"ping"}""");
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("Mcp-Session-Id"));
        using var answer = JsonDocument.Parse(McpClient.SseData(await response.Content.ReadAsStringAsync()));
        Assert.Equal(7, answer.RootElement.GetProperty("id").GetInt32());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("text/event-stream")]
    public async Task Post_WithoutAcceptingBothJsonAndSse_Is406(string? accept)
    {
        var user = await TestUsers.CreateAsync(app);
        using var request = user.RawJson(HttpMethod.Post, "api/mcp", """{"jsonrpc":"2.0","id":1,"method":"ping"}""");
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("text/event-stream", body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mcp-Session-Id", "abc", "no sessions")]
    [InlineData("MCP-Protocol-Version", "1999-01-01", "not supported")]
    public async Task Post_WithASessionIdOrAnUnknownProtocolVersionHeader_Is400(string header, string value, string says)
    {
        var user = await TestUsers.CreateAsync(app);
        using var request = user.RawJson(HttpMethod.Post, "api/mcp", """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Add(header, value);

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(says, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendDisabled_HidesSendEmailAndRefusesTheCall()
    {
        var settings = app.Settings();
        settings["MOOSERMAIL_MCP_SEND_ENABLED"] = "false";
        await using var noSend = app.BuildApp(settings);
        await noSend.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(noSend.Urls.First() + "/") };
        var user = await TestUsers.CreateAsync(app);
        var (_, apiKey) = await TestSenders.AddAsync(client, user);
        var mcp = new McpClient(client, user);

        var names = await mcp.ToolNamesAsync();
        var (isError, text) = await mcp.CallToolAsync("send_email", new { to = "a@example.com", subject = "Hi", body = "Hello" });

        Assert.DoesNotContain("send_email", names);
        Assert.DoesNotContain("send_template", names);
        Assert.DoesNotContain("fire_trigger", names);
        Assert.Contains("list_sent", names);
        Assert.True(isError);
        Assert.Contains("Sending is disabled", text, StringComparison.Ordinal);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }
}

using System.Net;
using Microsoft.Extensions.Logging;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Mcp;

/// <summary>A client's mistake is a precise JSON-RPC or tool error, never a 500, and the server logs no warning or stack trace for it.</summary>
[Collection(AppCollection.Name)]
public sealed class McpClientMistakeTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    public static TheoryData<string, int, string> Mistakes => new()
    {
        { """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"drop_tables","arguments":{}}}""", -32602, "Unknown tool: drop_tables" },
        { """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"send_email","arguments":[1,2]}}""", -32602, "params.arguments" },
        { """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7}}""", -32602, "params.name" },
        { """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":""}}""", -32602, "params.name is required" },
        { """{"jsonrpc":"2.0","id":1,"method":"tools/call"}""", -32602, "params.name is required" },
        { """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"send_email"}""", -32602, "params" },
        { """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":[1]}""", -32602, "params" },
        { """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":5,"capabilities":{},"clientInfo":{"name":"x","version":"1"}}}""", -32602, "params.protocolVersion" },
        { """{"jsonrpc":"2.0","id":1,"method":"initialize"}""", -32602, "params are required" },
        { """{"jsonrpc":"2.0","id":1,"method":"resources/list"}""", -32601, "Method not found: resources/list" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Mistake_IsAPreciseJsonRpcError_AndLogsNoWarning(string json, int code, string says)
    {
        var mcp = new McpClient(_client, await TestUsers.CreateAsync(app));
        var correlationId = $"mcp-{Guid.NewGuid():N}";

        var (status, body) = await mcp.PostRawAsync(json, correlationId);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("id").GetInt32());
        var error = body.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Contains(says, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        AssertNoWarningOrStackTrace(correlationId);
    }

    [Fact]
    public async Task LoggingSetLevel_TheCapabilityInitializeAdvertises_IsServed()
    {
        var mcp = new McpClient(_client, await TestUsers.CreateAsync(app));

        var initialized = await mcp.RequestAsync("initialize", new { protocolVersion = "2025-06-18", capabilities = new { }, clientInfo = new { name = "test", version = "1" } });
        var body = await mcp.RequestAsync("logging/setLevel", new { level = "info" });
        var (_, bad) = await mcp.PostRawAsync("""{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"loud"}}""");

        Assert.True(initialized.GetProperty("result").GetProperty("capabilities").TryGetProperty("logging", out _));
        Assert.True(body.TryGetProperty("result", out _), body.ToString());
        Assert.Equal(-32602, bad.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task BadArguments_AreAToolErrorResult_AndLogNoWarning()
    {
        var mcp = new McpClient(_client, await TestUsers.CreateAsync(app));
        var correlationId = $"mcp-{Guid.NewGuid():N}";

        var (status, body) = await mcp.PostRawAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_email","arguments":{"id":"nope","x":1}}}""", correlationId);

        Assert.Equal(HttpStatusCode.OK, status);
        var result = body.GetProperty("result");
        Assert.True(result.GetProperty("isError").GetBoolean());
        var text = result.GetProperty("content")[0].GetProperty("text").GetString();
        Assert.Contains("id: must be an id", text, StringComparison.Ordinal);
        Assert.Contains("x: is not an argument", text, StringComparison.Ordinal);
        // The SDK's own entries carry the request's correlation scope, so the check would see one of their warnings.
        Assert.Contains(app.Logs.Entries, e => e.Category.StartsWith("ModelContextProtocol", StringComparison.Ordinal) && InRequest(e, correlationId));
        AssertNoWarningOrStackTrace(correlationId);
    }

    private void AssertNoWarningOrStackTrace(string correlationId)
    {
        // Scoped entries only: other tests run at the same time and provoke warnings of their own.
        Assert.DoesNotContain(app.Logs.Entries, e => InRequest(e, correlationId) && (e.Level >= LogLevel.Warning || e.Exception is not null));
    }

    private static bool InRequest(CapturedLog entry, string correlationId) => entry.Scopes.Any(s => s.Contains(correlationId, StringComparison.Ordinal));
}

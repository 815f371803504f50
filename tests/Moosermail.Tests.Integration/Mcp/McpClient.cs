using System.Net;
using System.Text;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Mcp;

/// <summary>
/// Speaks to POST /api/mcp as an MCP Streamable HTTP client would: one JSON-RPC message per POST, the answer one SSE
/// event (or one JSON object). <paramref name="team"/> acts in a shared team through the X-Moosermail-Team header.
/// </summary>
public sealed class McpClient(HttpClient http, TestUser user, Guid? team = null)
{
    private int _nextId;

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostRawAsync(string json, string? correlationId = null)
    {
        using var request = user.RawJson(HttpMethod.Post, "api/mcp", json);
        if (team is { } teamId)
        {
            request.Headers.Add("X-Moosermail-Team", teamId.ToString());
        }

        if (correlationId is not null)
        {
            request.Headers.Add("X-Correlation-Id", correlationId);
        }

        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            text = SseData(text);
        }

        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The data of the one SSE event a stateless POST answers with.</summary>
    public static string SseData(string stream)
    {
        var data = stream.Split('\n').Where(line => line.StartsWith("data:", StringComparison.Ordinal)).Select(line => line[5..].TrimStart()).ToList();
        return Assert.Single(data);
    }

    /// <summary>The JSON-RPC answer; the HTTP status must be 200.</summary>
    public async Task<JsonElement> RequestAsync(string method, object? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var (status, body) = await PostRawAsync(JsonSerializer.Serialize(new { jsonrpc = "2.0", id, method, @params = parameters ?? new { } }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2.0", body.GetProperty("jsonrpc").GetString());
        Assert.Equal(id, body.GetProperty("id").GetInt32());
        return body;
    }

    /// <summary>A tools/call whose arguments are the raw JSON given (for hostile input); the JSON-RPC answer.</summary>
    public async Task<JsonElement> RequestRawArgumentsAsync(string tool, string argumentsJson)
    {
        var id = Interlocked.Increment(ref _nextId);
        var (status, body) = await PostRawAsync($$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"tools/call","params":{"name":{{{JsonSerializer.Serialize(tool)}}},"arguments":{{{argumentsJson}}}}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    public async Task<(bool IsError, string Text)> CallToolAsync(string name, object? arguments = null)
    {
        var body = await RequestAsync("tools/call", new { name, arguments = arguments ?? new { } });
        var result = body.GetProperty("result");
        var isError = result.TryGetProperty("isError", out var flag) && flag.GetBoolean();
        return (isError, Assert.Single(result.GetProperty("content").EnumerateArray()).GetProperty("text").GetString()!);
    }

    public async Task<string[]> ToolNamesAsync()
    {
        var body = await RequestAsync("tools/list");
        return [.. body.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).Order()];
    }
}

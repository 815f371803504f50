using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Moosermail.Functions.Mcp;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Mcp;

/// <summary>
/// Every argument of every tool given every wrong kind of value: a tool result (an error naming the argument, or
/// a harmless answer), never a JSON-RPC internal error or a 500, nothing sent, and no warning or stack trace logged.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class McpArgumentFuzzTests(AppFixture app)
{
    private static readonly string[] s_hostileValues =
    [
        "42", "-1.5", "true", "{}", """{"$ne":null}""", "[]", "[1,[2,[3]]]", "\"\"", "\"../../etc/passwd\"",
        "\"" + new string('x', 20_000) + "\"", "\"a@example.com\\r\\nBcc: victim@example.com\"", "\"\\u202e\\ud83d\\ude00\"",
    ];

    public static TheoryData<string> Tools => [.. McpToolCatalog.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task EveryArgument_WithHostileValues_IsAToolResult_AndNothingIsSentOrLoggedAsAFault(string tool)
    {
        var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);
        var (_, resendKey) = await TestSenders.AddAsync(client, user);
        var mcp = new McpClient(client, user);
        var correlationId = $"mcp-fuzz-{Guid.NewGuid():N}";

        foreach (var argument in McpToolCatalog.Find(tool)!.Arguments)
        {
            foreach (var value in s_hostileValues)
            {
                var json = $$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"{{tool}}","arguments":{"{{argument}}":""" + value + "}}}";
                var (status, body) = await mcp.PostRawAsync(json, correlationId);

                Assert.True(status == HttpStatusCode.OK, $"{tool} {argument}={value[..Math.Min(value.Length, 40)]}: HTTP {(int)status}");
                Assert.True(body.TryGetProperty("result", out var result), $"{tool} {argument}: {body}");
                Assert.Equal(JsonValueKind.Array, result.GetProperty("content").ValueKind);
            }
        }

        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(resendKey));
        Assert.DoesNotContain(app.Logs.Entries, e => e.Scopes.Any(s => s.Contains(correlationId, StringComparison.Ordinal))
            && (e.Level >= LogLevel.Warning || e.Exception is not null));
    }
}

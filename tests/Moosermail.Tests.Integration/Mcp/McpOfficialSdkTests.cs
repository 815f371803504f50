using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Resend;

namespace Moosermail.Tests.Integration.Mcp;

/// <summary>The official MCP TypeScript SDK client (tools/npm) against the endpoint, over real HTTP.</summary>
[Collection(AppCollection.Name)]
public sealed class McpOfficialSdkTests(AppFixture app)
{
    [NodeFact]
    public async Task OfficialClient_ConnectsListsAndCallsATool()
    {
        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(client, user);
        var (_, mk, _) = await TestApiKeys.CreateAsync(client, user);

        var output = await NodeTools.RunAsync("mcp-client.mjs", [new Uri(app.BaseAddress, "api/mcp").ToString(), mk, "list_senders"]);

        using var report = JsonDocument.Parse(output);
        Assert.Equal("moosermail", report.RootElement.GetProperty("server").GetProperty("name").GetString());
        Assert.Contains("send_email", report.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        var result = report.RootElement.GetProperty("result");
        Assert.False(result.TryGetProperty("isError", out var isError) && isError.GetBoolean());
        var text = result.GetProperty("content")[0].GetProperty("text").GetString()!;
        Assert.Single(JsonDocument.Parse(text).RootElement.GetProperty("senders").EnumerateArray());
    }
}

using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Moosermail.Tests.Integration.Infrastructure;
using SdkClient = ModelContextProtocol.Client.McpClient;

namespace Moosermail.Tests.Integration.Mcp;

/// <summary>The .NET SDK's own client (ModelContextProtocol.Client) against the endpoint, over real HTTP.</summary>
[Collection(AppCollection.Name)]
public sealed class McpDotnetSdkTests(AppFixture app)
{
    [Fact]
    public async Task SdkClient_ConnectsListsToolsAndCallsThem()
    {
        using var http = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);
        var (_, resendKey) = await TestSenders.AddAsync(http, user);
        var (_, mk, _) = await TestApiKeys.CreateAsync(http, user);
        await using var client = await ConnectAsync(mk);

        var tools = await client.ListToolsAsync();
        var senders = await client.CallToolAsync("list_senders", new Dictionary<string, object?>());
        var sent = await client.CallToolAsync("send_email", new Dictionary<string, object?> { ["to"] = "a@example.com", ["subject"] = "Hi", ["body"] = "Hello" });
        var refused = await client.CallToolAsync("get_sent", new Dictionary<string, object?> { ["id"] = Guid.NewGuid().ToString() });

        Assert.Equal("moosermail", client.ServerInfo?.Name);
        Assert.Contains(tools, t => t.Name == "send_template");
        Assert.NotEqual(true, senders.IsError);
        Assert.Single(JsonDocument.Parse(Text(senders)).RootElement.GetProperty("senders").EnumerateArray());
        Assert.NotEqual(true, sent.IsError);
        Assert.Equal("sent", JsonDocument.Parse(Text(sent)).RootElement.GetProperty("status").GetString());
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(resendKey));
        Assert.True(refused.IsError);
        Assert.Contains("No email with this id", Text(refused), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SdkClient_UnknownTool_IsAProtocolError()
    {
        using var http = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);
        await using var client = await ConnectAsync(user.Token);

        var error = await Assert.ThrowsAsync<ModelContextProtocol.McpProtocolException>(async () =>
            await client.CallToolAsync("drop_tables", new Dictionary<string, object?>()));

        Assert.Contains("Unknown tool", error.Message, StringComparison.Ordinal);
    }

    private async Task<SdkClient> ConnectAsync(string bearer)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(app.BaseAddress, "api/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {bearer}" },
        });
        return await SdkClient.CreateAsync(transport);
    }

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
}

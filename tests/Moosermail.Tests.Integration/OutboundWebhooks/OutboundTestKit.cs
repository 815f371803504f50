using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.OutboundWebhooks;

/// <summary>Creating endpoints and reading their deliveries through the real routes.</summary>
public static class OutboundTestKit
{
    public static async Task<(Guid Id, string Secret)> CreateEndpointAsync(HttpClient client, TestUser user, string url, params string[] events)
    {
        var response = await client.SendAsync(user.Request(HttpMethod.Post, "api/outbound-webhooks", new { url, events, description = "test receiver" }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        using var body = JsonDocument.Parse(text);
        return (body.RootElement.GetProperty("webhook").GetProperty("id").GetGuid(), body.RootElement.GetProperty("secret").GetString()!);
    }

    public static async Task<JsonElement> DeliveriesAsync(HttpClient client, TestUser user, Guid endpointId)
    {
        var response = await client.SendAsync(user.Request(HttpMethod.Get, $"api/outbound-webhooks/{endpointId}/deliveries"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("deliveries").Clone();
    }

    public static async Task<JsonElement> EndpointAsync(HttpClient client, TestUser user, Guid endpointId)
    {
        var response = await client.SendAsync(user.Request(HttpMethod.Get, "api/outbound-webhooks"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("webhooks").EnumerateArray().Single(w => w.GetProperty("id").GetGuid() == endpointId).Clone();
    }

    public static async Task<Guid> CreateContactAsync(HttpClient client, TestUser user)
    {
        var response = await client.SendAsync(user.Request(HttpMethod.Post, "api/contacts", new { email = TestUsers.NewEmail("contact"), name = "Ann" }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("contact").GetProperty("id").GetGuid();
    }
}

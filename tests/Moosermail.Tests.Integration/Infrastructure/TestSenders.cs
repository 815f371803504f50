using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Resend;

namespace Moosermail.Tests.Integration.Infrastructure;

public static class TestSenders
{
    /// <summary>Stores a fresh sandbox Resend key (its own sandbox account) for the user's team.</summary>
    public static async Task<(Guid Id, string ApiKey)> AddAsync(HttpClient client, TestUser user, string from = "Team <hello@example.com>")
    {
        var apiKey = SandboxFixture.NewKey();
        var response = await client.SendAsync(user.Request(HttpMethod.Post, "api/keys", new { api_key = apiKey, from_address = from }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("id").GetGuid(), apiKey);
    }

    /// <summary>A new user whose team has a sandbox sender; the key names its sandbox account, to read what it sent.</summary>
    public static async Task<(TestUser User, string ApiKey)> UserWithSenderAsync(AppFixture app, HttpClient client)
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, apiKey) = await AddAsync(client, user);
        return (user, apiKey);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Webhooks;

/// <summary>
/// The whole loop with the sandbox as Resend: the team registers Moosermail's URL at Resend, stores the secret Resend
/// returned, sends, and the signed webhooks Resend delivers drive status and suppressions. Runs on an app with the
/// real clock, because the sandbox signs with it.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SandboxEndToEndTests(AppFixture app) : IAsyncLifetime
{
    private SecondaryApp _host = null!;

    public async Task InitializeAsync() => _host = await SecondaryApp.StartAsync(app, TimeProvider.System);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("bounced@resend.dev", "bounced")]
    [InlineData("complained@resend.dev", "complained")]
    public async Task Send_ToBouncingOrComplainingAddress_StatusFinalAddressSuppressedNextSendRefused(string to, string status)
    {
        using var client = _host.CreateClient();
        var kit = new WebhookTestKit(client, app.DatabaseUrl);
        var user = await RegisteredAtSandboxAsync(kit);

        var (id, _) = await kit.SendAsync(user, new { to, subject = "e2e", body = "b" });
        var finalStatus = await WaitForStatusAsync(kit, user, id, s => s == status);
        var next = await client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to, subject = "again", body = "b" }));

        Assert.Equal(status, finalStatus);
        var suppressed = Assert.Single((await kit.JsonAsync(user, HttpMethod.Get, "api/suppressions")).GetProperty("data").EnumerateArray());
        Assert.Equal(to, suppressed.GetProperty("email").GetString());
        Assert.Equal(422, (int)next.StatusCode);
        Assert.True((await kit.SettingsAsync(user)).GetProperty("events_received").GetInt64() >= 2);
    }

    [Fact]
    public async Task Send_ToNormalAddress_BecomesDeliveredWithTimeline()
    {
        using var client = _host.CreateClient();
        var kit = new WebhookTestKit(client, app.DatabaseUrl);
        var user = await RegisteredAtSandboxAsync(kit);

        var (id, _) = await kit.SendAsync(user, new { to = "delivered@resend.dev", subject = "e2e", body = "b" });

        Assert.Equal("delivered", await WaitForStatusAsync(kit, user, id, s => s == "delivered"));
        var types = (await kit.EmailAsync(user, id)).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("email.delivered", types);
        Assert.Empty((await kit.JsonAsync(user, HttpMethod.Get, "api/suppressions")).GetProperty("data").EnumerateArray());
    }

    private async Task<TestUser> RegisteredAtSandboxAsync(WebhookTestKit kit)
    {
        var user = await _host.CreateUserAsync();
        var (_, apiKey) = await TestSenders.AddAsync(kit.Client, user);
        var endpoint = await kit.EndpointIdAsync(user);
        using var resend = app.Sandbox.Http(apiKey);
        var created = await resend.PostAsJsonAsync("webhooks", new
        {
            endpoint = new Uri(_host.BaseAddress, $"api/webhooks/resend/{endpoint}").AbsoluteUri,
            events = new[] { "email.sent", "email.delivered", "email.bounced", "email.complained" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await kit.SetSecretAsync(user, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signing_secret").GetString());
        return user;
    }

    /// <summary>Webhooks arrive asynchronously, possibly before the send recorded resend_id: poll, letting the timer re-fold.</summary>
    private async Task<string> WaitForStatusAsync(WebhookTestKit kit, TestUser user, Guid id, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string status;
        while (!done(status = await kit.StatusAsync(user, id)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            await _host.RunTimerAsync("DeliveryReconcile");
        }

        return status;
    }
}

using System.Net;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Webhooks;

/// <summary>
/// Ingest remembers endpoints between requests (WebhookEndpointCache); a change to the endpoint must still take
/// effect on the very next event: the store checks the endpoint in the same statement, never trusting the memory.
/// Each test first posts one good event so the endpoint is remembered, then changes it.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class WebhookEndpointCacheTests(AppFixture app)
{
    private readonly WebhookTestKit _kit = new(app.CreateClient(), app.DatabaseUrl);

    [Fact]
    public async Task SecretReplaced_OldSecretIsRefusedAtOnce_NewOneWorks()
    {
        var (user, endpoint, oldSecret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        await PostAsync(endpoint, oldSecret, "email.delivered", resendId, HttpStatusCode.OK);

        var newSecret = await _kit.SetSecretAsync(user);

        await PostAsync(endpoint, oldSecret, "email.opened", resendId, HttpStatusCode.Unauthorized);
        Assert.Equal(0, (await _kit.EmailAsync(user, id)).GetProperty("email").GetProperty("opened_count").GetInt32());
        await PostAsync(endpoint, newSecret, "email.opened", resendId, HttpStatusCode.OK);
        Assert.Equal(1, (await _kit.EmailAsync(user, id)).GetProperty("email").GetProperty("opened_count").GetInt32());
    }

    [Fact]
    public async Task UrlRotated_OldUrlIsGoneAtOnce()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (_, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        await PostAsync(endpoint, secret, "email.delivered", resendId, HttpStatusCode.OK);

        var rotated = WebhookTestKit.EndpointIdOf(await _kit.JsonAsync(user, HttpMethod.Post, "api/webhooks/resend/rotate"));

        await PostAsync(endpoint, secret, "email.opened", resendId, HttpStatusCode.NotFound);
        Assert.NotEqual(endpoint, rotated);
        await PostAsync(rotated, secret, "email.opened", resendId, HttpStatusCode.OK);
    }

    [Fact]
    public async Task SecretSetAfterUnsignedEvents_UnsignedEventIsRefusedAtOnce()
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _kit.Client);
        var endpoint = await _kit.EndpointIdAsync(user);
        var body = WebhookTestKit.EmailEvent("email.delivered", "re_unknown");
        Assert.Equal(HttpStatusCode.OK, (await _kit.Client.SendAsync(WebhookTestKit.Post(endpoint, body, "msg_unsigned_1", null, null))).StatusCode);

        await _kit.SetSecretAsync(user);

        var unsigned = await _kit.Client.SendAsync(WebhookTestKit.Post(endpoint, body, "msg_unsigned_2", null, null));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(1, await _kit.StoredEventsAsync(user.TeamId));
    }

    [Fact]
    public async Task SecretRemoved_SignedEventsNoLongerChangeAnything()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        await PostAsync(endpoint, secret, "email.delivered", resendId, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, (await _kit.Client.SendAsync(user.Request(HttpMethod.Delete, "api/webhooks/resend"))).StatusCode);

        await PostAsync(endpoint, secret, "email.opened", resendId, HttpStatusCode.OK);
        Assert.Equal(2, await _kit.StoredEventsAsync(user.TeamId));
        Assert.Equal(0, (await _kit.EmailAsync(user, id)).GetProperty("email").GetProperty("opened_count").GetInt32());
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM webhook_events WHERE team_id = @TeamId AND NOT verified", new { user.TeamId }));
    }

    private async Task PostAsync(string endpoint, string secret, string type, string resendId, HttpStatusCode expected)
    {
        var response = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, WebhookTestKit.EmailEvent(type, resendId), app.Time.GetUtcNow()));
        Assert.Equal(expected, response.StatusCode);
        await app.FoldedAsync(); // a 200 means stored; the fold follows
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Webhooks;
using Moosermail.ResendSandbox;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Resend;

namespace Moosermail.Tests.Integration.Webhooks;

/// <summary>POST /api/webhooks/resend/{endpointId}: verification, de-duplication, the status fold and tenant isolation.</summary>
[Collection(AppCollection.Name)]
public sealed class WebhookReceiveTests(AppFixture app)
{
    private readonly WebhookTestKit _kit = new(app.CreateClient(), app.DatabaseUrl);

    [Fact]
    public async Task Receive_SignedDelivered_UpdatesStatusAndTimeline()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });

        var response = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, WebhookTestKit.EmailEvent("email.delivered", resendId), app.Time.GetUtcNow()));
        await app.FoldedAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var email = await _kit.EmailAsync(user, id);
        Assert.Equal("delivered", email.GetProperty("email").GetProperty("status").GetString());
        Assert.Contains("email.delivered", email.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Receive_SameSvixIdTwice_SecondIsAcknowledgedAndChangesNothing()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        var body = WebhookTestKit.EmailEvent("email.opened", resendId);

        var first = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow(), "msg_replayed"));
        var second = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow(), "msg_replayed"));
        await app.FoldedAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.True(JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, (await _kit.EmailAsync(user, id)).GetProperty("email").GetProperty("opened_count").GetInt32());
        Assert.Equal(1, await _kit.StoredEventsAsync(user.TeamId));
    }

    [Fact]
    public async Task Receive_ConcurrentDuplicates_StoredAndCountedOnce()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        var body = WebhookTestKit.EmailEvent("email.clicked", resendId);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            _kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow(), "msg_concurrent"))));
        await app.FoldedAsync();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, await _kit.StoredEventsAsync(user.TeamId));
        var email = (await _kit.EmailAsync(user, id)).GetProperty("email");
        Assert.Equal(1, email.GetProperty("clicked_count").GetInt32());
        Assert.Equal("clicked", email.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Receive_DeliveredAfterBounced_StaysBounced()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "gone@example.com", subject = "s", body = "b" });

        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.bounced", resendId, "gone@example.com", "Permanent"));
        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.delivered", resendId, "gone@example.com"));
        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.opened", resendId, "gone@example.com"));

        var email = (await _kit.EmailAsync(user, id)).GetProperty("email");
        Assert.Equal("bounced", email.GetProperty("status").GetString());
        Assert.Equal(1, email.GetProperty("opened_count").GetInt32());
    }

    [Fact]
    public async Task Receive_OpenedThenDelivered_StaysOpened()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });

        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.opened", resendId));
        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.delivered", resendId));

        Assert.Equal("opened", await _kit.StatusAsync(user, id));
    }

    [Fact]
    public async Task Receive_OtherTeamsResendId_ChangesNothingForEitherTeam()
    {
        var (attacker, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var victim = (await TestSenders.UserWithSenderAsync(app, _kit.Client)).User;
        var (id, resendId) = await _kit.SendAsync(victim, new { to = "victim@example.com", subject = "s", body = "b" });

        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.bounced", resendId, "victim@example.com", "Permanent"));
        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.opened", resendId, "victim@example.com"));
        await app.RunTimerAsync("DeliveryReconcile");

        var email = await _kit.EmailAsync(victim, id);
        Assert.Equal("sent", email.GetProperty("email").GetProperty("status").GetString());
        Assert.Equal(0, email.GetProperty("email").GetProperty("opened_count").GetInt32());
        Assert.DoesNotContain(email.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString()!.StartsWith("email.", StringComparison.Ordinal));
        Assert.Empty((await _kit.JsonAsync(victim, HttpMethod.Get, "api/suppressions")).GetProperty("data").EnumerateArray());
        Assert.Empty((await _kit.JsonAsync(attacker, HttpMethod.Get, "api/suppressions")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Receive_Burst300Concurrent_NoneLostOrRefused()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        var body = WebhookTestKit.EmailEvent("email.opened", resendId);
        using var client = app.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ =>
            client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow()))));
        await app.FoldedAsync();

        Assert.Equal(300, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(300, await _kit.StoredEventsAsync(user.TeamId));
        Assert.Equal(300, (await _kit.EmailAsync(user, id)).GetProperty("email").GetProperty("opened_count").GetInt32());
    }

    [Fact]
    public async Task Receive_UnknownEndpoint_Returns404()
    {
        var body = WebhookTestKit.EmailEvent("email.delivered", "x");

        var response = await _kit.Client.SendAsync(WebhookTestKit.SignedPost("no-such-endpoint", SvixSigner.NewSecret(), body, app.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public static TheoryData<string> Forgeries => ["unsigned", "wrong_secret", "tampered_body", "too_old", "too_new", "no_svix_id"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Receive_BadSignature_Returns401AndStoresNothing(string forgery)
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        var body = WebhookTestKit.EmailEvent("email.bounced", resendId, "a@example.com", "Permanent");
        var now = app.Time.GetUtcNow();
        var signed = WebhookTestKit.SignedPost(endpoint, secret, body, now);
        var (svixId, timestamp, signature) = (signed.Headers.GetValues("svix-id").Single(), signed.Headers.GetValues("svix-timestamp").Single(), signed.Headers.GetValues("svix-signature").Single());
        var request = forgery switch
        {
            "unsigned" => WebhookTestKit.Post(endpoint, body, "msg_x", null, null),
            "wrong_secret" => WebhookTestKit.SignedPost(endpoint, SvixSigner.NewSecret(), body, now),
            "tampered_body" => WebhookTestKit.Post(endpoint, WebhookTestKit.EmailEvent("email.bounced", resendId, "b@example.com", "Permanent"), svixId, timestamp, signature),
            "too_old" => WebhookTestKit.SignedPost(endpoint, secret, body, now.AddSeconds(-301)),
            "too_new" => WebhookTestKit.SignedPost(endpoint, secret, body, now.AddSeconds(301)),
            _ => WebhookTestKit.Post(endpoint, body, null, timestamp, signature),
        };

        var response = await _kit.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await TestUsers.ProblemAsync(response);
        Assert.Equal(0, await _kit.StoredEventsAsync(user.TeamId));
        Assert.Equal("sent", await _kit.StatusAsync(user, id));
    }

    [Fact]
    public async Task Receive_AtToleranceBoundary_Accepted()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var body = WebhookTestKit.EmailEvent("email.sent", "boundary");

        var old = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow().AddSeconds(-300)));
        var fresh = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow().AddSeconds(300)));

        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(2, await _kit.StoredEventsAsync(user.TeamId));
    }

    [Fact]
    public async Task Receive_NoSecret_StoresUnverifiedChangesNothingAndGetWarns()
    {
        var user = (await TestSenders.UserWithSenderAsync(app, _kit.Client)).User;
        var endpoint = await _kit.EndpointIdAsync(user);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });

        var response = await _kit.Client.SendAsync(WebhookTestKit.Post(endpoint, WebhookTestKit.EmailEvent("email.bounced", resendId, "a@example.com", "Permanent"), "msg_unverified", null, null));
        await app.RunTimerAsync("DeliveryReconcile");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await _kit.StoredEventsAsync(user.TeamId));
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM webhook_events WHERE team_id = @t AND NOT verified", new { t = user.TeamId }));
        Assert.Equal("sent", await _kit.StatusAsync(user, id));
        Assert.Empty((await _kit.JsonAsync(user, HttpMethod.Get, "api/suppressions")).GetProperty("data").EnumerateArray());
        var settings = await _kit.SettingsAsync(user);
        Assert.False(settings.GetProperty("signing_secret_set").GetBoolean());
        Assert.Contains("unverified", settings.GetProperty("warning").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, settings.GetProperty("events_received").GetInt64());
    }

    [Fact]
    public async Task Receive_NotAnEvent_Returns400AndStoresNothing()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);

        var response = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, "{\"no\":\"type\"}"u8.ToArray(), app.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await _kit.StoredEventsAsync(user.TeamId));
    }

    [Fact]
    public async Task Receive_UnknownEventType_IsStored()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var body = """{"type":"inbox.thread.created","created_at":"2026-01-01T00:00:00Z","data":{"inbox_id":"i1","source":"api"}}"""u8.ToArray();

        var response = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM webhook_events WHERE team_id = @t AND type = 'inbox.thread.created' AND verified", new { t = user.TeamId }));
    }

    [Fact]
    public async Task Reconcile_EventBeforeResendIdRecorded_IsFoldedOnce()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, _) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        var lateId = "late-" + Guid.NewGuid().ToString("N");

        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.opened", lateId));
        Assert.Equal("sent", await _kit.StatusAsync(user, id));
        // The send's response is recorded only now (the race): the timer folds the waiting event, once.
        await _kit.ExecuteAsync("UPDATE emails SET resend_id = @r WHERE id = @id", ("r", lateId), ("id", id));
        await app.RunTimerAsync("DeliveryReconcile");
        await app.RunTimerAsync("DeliveryReconcile");
        var refoldedAgain = await app.App.Services.GetRequiredService<DeliveryEventFolder>().FoldAsync(
            await app.ScalarAsync<long>("SELECT max(id) FROM webhook_events WHERE team_id = @t", new { t = user.TeamId }), CancellationToken.None);

        Assert.False(refoldedAgain);
        var email = (await _kit.EmailAsync(user, id)).GetProperty("email");
        Assert.Equal("opened", email.GetProperty("status").GetString());
        Assert.Equal(1, email.GetProperty("opened_count").GetInt32());
    }

    [NodeFact]
    public async Task Receive_SignedByOfficialSvixPackage_Accepted()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        var body = WebhookTestKit.EmailEvent("email.delivered", resendId);
        var timestamp = app.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = await NodeTools.RunAsync("sign.mjs", [secret, "msg_npm", timestamp, Convert.ToBase64String(body)]);

        var response = await _kit.Client.SendAsync(WebhookTestKit.Post(endpoint, body, "msg_npm", timestamp, signature));
        var tampered = await _kit.Client.SendAsync(WebhookTestKit.Post(endpoint, body, "msg_npm2", timestamp, signature));
        await app.FoldedAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Equal("delivered", await _kit.StatusAsync(user, id));
    }

    private async Task PostOkAsync(string endpoint, string secret, byte[] body)
    {
        var response = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await app.FoldedAsync(); // a 200 means stored; the fold follows
    }
}

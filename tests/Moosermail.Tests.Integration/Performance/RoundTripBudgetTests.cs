using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Webhooks;
using Xunit.Abstractions;

namespace Moosermail.Tests.Integration.Performance;

/// <summary>
/// The hot paths' database round trips per request (issue 15), counted on the wire by <see cref="RoundTripCounter"/>
/// in front of an app instance of their own, with the rate limits off and on: ingest ≤ 2 (the store, and the fold that
/// follows the answer; the endpoint is remembered and checked inside the store statement), an mk_ key's list ≤ 2,
/// an mk_ key's send accept ≤ 4. Each figure is taken on a warm pool (the second identical request).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class RoundTripBudgetTests(AppFixture app, ITestOutputHelper output)
{
    private readonly WebhookTestKit _kit = new(app.CreateClient(), app.DatabaseUrl);

    /// <summary>
    /// What the limiter adds on an authenticated route: the address bucket before authentication, then the
    /// credential and team buckets together in one statement after it.
    /// </summary>
    private const int LimiterCost = 2;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WebhookIngest_SignedEventForKnownEmail_AtMostTwoRoundTrips(bool limits)
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        await using var measured = await MeasuredApp.StartAsync(app, limits);

        var warm = await measured.CountAsync(c => c.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, WebhookTestKit.EmailEvent("email.delivered", resendId), app.Time.GetUtcNow())));
        var trips = await measured.CountAsync(c => c.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, WebhookTestKit.EmailEvent("email.opened", resendId), app.Time.GetUtcNow())));

        output.WriteLine($"webhook ingest (limits {(limits ? "on" : "off")}): {trips} round trips (cold {warm})");
        Assert.Equal("opened", await _kit.StatusAsync(user, id));

        // On the request: the store, one statement. After the answer: the fold, one statement (which folds every event
        // stored meanwhile too). Nothing else: no endpoint lookup, no empty batch from the idle writer.
        Assert.Equal(2, trips);
    }

    [Fact]
    public async Task WebhookIngest_UnverifiedEndpoint_AtMostTwoRoundTrips()
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _kit.Client);
        var endpoint = await _kit.EndpointIdAsync(user);
        await using var measured = await MeasuredApp.StartAsync(app, limits: false);

        await measured.CountAsync(c => c.SendAsync(WebhookTestKit.Post(endpoint, WebhookTestKit.EmailEvent("email.delivered", "re_unknown_1"), "msg_u1", null, null)));
        var trips = await measured.CountAsync(c => c.SendAsync(WebhookTestKit.Post(endpoint, WebhookTestKit.EmailEvent("email.delivered", "re_unknown_2"), "msg_u2", null, null)));

        output.WriteLine($"unverified webhook ingest: {trips} round trips");
        Assert.Equal(2, await _kit.StoredEventsAsync(user.TeamId));
        Assert.InRange(trips, 1, 2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ListEmails_WithApiKey_TwoRoundTrips(bool limits)
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _kit.Client);
        await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        var (_, key, _) = await TestApiKeys.CreateAsync(_kit.Client, user);
        var caller = user.Using(key);
        await using var measured = await MeasuredApp.StartAsync(app, limits);

        await measured.CountAsync(c => c.SendAsync(caller.Request(HttpMethod.Get, "api/emails?limit=50")));
        var trips = await measured.CountAsync(c => c.SendAsync(caller.Request(HttpMethod.Get, "api/emails?limit=50")));

        output.WriteLine($"GET /api/emails?limit=50 with an mk_ key (limits {(limits ? "on" : "off")}): {trips} round trips");
        Assert.InRange(trips, 1, limits ? 2 + LimiterCost : 2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendAccept_WithApiKey_AtMostFourRoundTrips(bool limits)
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _kit.Client);
        var (_, key, _) = await TestApiKeys.CreateAsync(_kit.Client, user);
        var caller = user.Using(key);
        await using var measured = await MeasuredApp.StartAsync(app, limits);
        // Scheduled: accepted and answered without the inline attempt at Resend, which is the outbox's work, not acceptance.
        object Body() => new { to = "a@example.com", subject = "s", body = "b", scheduled_at = app.Time.GetUtcNow().AddHours(1) };

        await measured.CountAsync(c => c.SendAsync(caller.Request(HttpMethod.Post, "api/send", Body())));
        var trips = await measured.CountAsync(c => c.SendAsync(caller.Request(HttpMethod.Post, "api/send", Body())));
        var sent = await measured.CountAsync(c => c.SendAsync(caller.Request(HttpMethod.Post, "api/send", new { to = "a@example.com", subject = "s", body = "b" })));

        output.WriteLine($"POST /api/send accept with an mk_ key (limits {(limits ? "on" : "off")}): {trips} round trips; with the inline attempt at Resend: {sent}");
        Assert.InRange(trips, 1, limits ? 4 + LimiterCost : 4);
    }
}

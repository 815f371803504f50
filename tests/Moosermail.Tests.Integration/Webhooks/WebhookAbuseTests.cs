using System.Globalization;
using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.Maintenance;
using Moosermail.ResendSandbox;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Webhooks;

/// <summary>
/// The webhook URL as an attacker who learned it would use it: replays under a fresh id, floods of unsigned events,
/// and rows that must not be kept for ever. Also the session deny-list's lifetime, kept by the same kind of timer.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class WebhookAbuseTests(AppFixture app)
{
    private readonly WebhookTestKit _kit = new(app.CreateClient(), app.DatabaseUrl);

    [Fact]
    public async Task SignedReplay_UnderAFreshUnsignedSvixId_IsADuplicate()
    {
        var user = await TestUsers.CreateAsync(app);
        var endpoint = await _kit.EndpointIdAsync(user);
        var secret = await _kit.SetSecretAsync(user);
        var body = WebhookTestKit.EmailEvent("email.opened", "re_" + Guid.NewGuid().ToString("N"));
        var (id, timestamp) = (SvixSigner.NewMessageId(), app.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var signature = SvixSigner.Sign(secret, id, timestamp, body);
        HttpRequestMessage Signed(string? freshSvixId)
        {
            var request = WebhookTestKit.Post(endpoint, body, freshSvixId, null, null);
            request.Headers.TryAddWithoutValidation("webhook-id", id);
            request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp);
            request.Headers.TryAddWithoutValidation("webhook-signature", signature);
            return request;
        }

        var first = await _kit.Client.SendAsync(Signed(null));
        var replay = await _kit.Client.SendAsync(Signed("msg_fresh_" + Guid.NewGuid().ToString("N")));
        var another = await _kit.Client.SendAsync(Signed("msg_other_" + Guid.NewGuid().ToString("N")));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(replay.IsSuccessStatusCode);
        Assert.True(another.IsSuccessStatusCode);
        Assert.Equal(1, await _kit.StoredEventsAsync(user.TeamId));
    }

    [Fact]
    public async Task UnverifiedEndpoint_StoresAtMostTheDailyLimit_ThenAnswers429WithRetryAfter()
    {
        var settings = app.Settings();
        settings[RetentionOptions.UnverifiedPerDayKey] = "3";
        await using var limited = app.BuildApp(settings);
        await limited.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(limited.Urls.First() + "/") };
        var kit = new WebhookTestKit(client, app.DatabaseUrl);
        var user = await TestUsers.CreateAsync(app);
        var endpoint = await kit.EndpointIdAsync(user);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last = await client.SendAsync(WebhookTestKit.Post(endpoint, WebhookTestKit.EmailEvent("email.delivered", $"re_{i}"), SvixSigner.NewMessageId(), null, null));
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(int.Parse(last!.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture) is > 0 and <= 86_400);
        Assert.Equal(3, await kit.StoredEventsAsync(user.TeamId));
    }

    [Fact]
    public async Task RetentionTimer_DeletesOldEvents_ExpiredIdempotencyKeys_AndPastTriggerWindows()
    {
        var user = await TestUsers.CreateAsync(app);
        var endpoint = await _kit.EndpointIdAsync(user);
        var template = await Templates.TestContent.CreateTemplateAsync(_kit.Client, user);
        var trigger = await Templates.TestContent.CreateTriggerAsync(_kit.Client, user, template.GetProperty("id").GetGuid());
        var now = app.Time.GetUtcNow();
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        var endpointRow = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM webhook_endpoints WHERE public_id = @Endpoint", new { Endpoint = endpoint });
        foreach (var (name, verified, age) in new[] { ("v91", true, 91), ("v89", true, 89), ("u8", false, 8), ("u6", false, 6) })
        {
            await connection.ExecuteAsync(
                "INSERT INTO webhook_events (team_id, endpoint_id, svix_id, type, verified, payload, received_at) VALUES (@TeamId, @EndpointId, @Name, 'email.sent', @Verified, '{}', @At)",
                new { user.TeamId, EndpointId = endpointRow, Name = name, Verified = verified, At = now.AddDays(-age) });
        }

        foreach (var (key, age) in new[] { ("old", 25), ("fresh", 1) })
        {
            await connection.ExecuteAsync(
                "INSERT INTO idempotency_keys (team_id, scope, key, request_hash, created_at) VALUES (@TeamId, 'send', @Key, '\\x00', @At)",
                new { user.TeamId, Key = key, At = now.AddHours(-age) });
        }

        await connection.ExecuteAsync(
            "INSERT INTO trigger_fire_windows (trigger_id, window_start, emails) VALUES (@Id, @Old, 1), (@Id, @Current, 1)",
            new { Id = trigger.GetProperty("id").GetGuid(), Old = now.AddHours(-2), Current = now.AddSeconds(-1) });

        await app.App.Services.GetRequiredService<DataRetentionService>().RunAsync(CancellationToken.None);

        Assert.Equal(["u6", "v89"], (await connection.QueryAsync<string>("SELECT svix_id FROM webhook_events WHERE team_id = @TeamId ORDER BY svix_id", new { user.TeamId })).ToArray());
        Assert.Equal(["fresh"], (await connection.QueryAsync<string>("SELECT key FROM idempotency_keys WHERE team_id = @TeamId", new { user.TeamId })).ToArray());
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM trigger_fire_windows WHERE trigger_id = @Id", new { Id = trigger.GetProperty("id").GetGuid() }));
    }

    [Fact]
    public async Task RevokedSession_StaysDenied_UntilItsExpiryPlusTheClockSkew_ThroughTheCleanupTimer()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var own = await SecondaryApp.StartAsync(app, clock);
        using var client = own.CreateClient();
        var user = await own.CreateUserAsync();
        var logout = await client.SendAsync(user.Request(HttpMethod.Post, "api/auth/logout"));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        // Ten seconds past expiry the token itself still validates (30 s skew); only the deny-list refuses it.
        clock.Advance(Moosermail.Core.Security.SessionTokens.Lifetime + TimeSpan.FromSeconds(10));
        await own.Services.GetRequiredService<SecurityCleanupService>().RunAsync(CancellationToken.None);
        var withinSkew = await client.SendAsync(user.Request(HttpMethod.Get, "api/auth/me"));

        Assert.Equal(HttpStatusCode.Unauthorized, withinSkew.StatusCode);
    }
}

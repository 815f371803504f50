using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Moosermail.Functions.Hosting;
using Moosermail.Functions.Pipeline;
using Moosermail.Functions.Sending;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.RateLimiting;

/// <summary>
/// The request limits over real HTTP, on app instances of their own with the limits on. Each test calls
/// through 127.0.0.1 as a trusted proxy with a fresh X-Forwarded-For address, so tests never share a bucket.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class RateLimitTests(AppFixture app) : IAsyncLifetime
{
    private readonly List<WebApplication> _apps = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in _apps)
        {
            await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task Public_LimitPlusBurst_ThenRefusedWith429SayingTheSecondsToWait()
    {
        using var client = await StartLimitedAsync();
        var ip = NewClientIp();

        var allowed = new List<HttpResponseMessage>();
        for (var i = 0; i < 30; i++)
        {
            allowed.Add(await LoginAsync(client, ip));
        }

        var refused = await LoginAsync(client, ip);

        Assert.All(allowed, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal("30", Header(allowed[0], "RateLimit-Limit"));
        Assert.Equal("29", Header(allowed[0], "RateLimit-Remaining"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(6), refused.Headers.RetryAfter?.Delta);
        var problem = await TestUsers.ProblemAsync(refused);
        Assert.Contains("Retry after 6 seconds", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(6, problem.GetProperty("retry_after").GetInt32());
        Assert.Equal("180", Header(refused, "RateLimit-Reset"));
    }

    [Fact]
    public async Task Public_AfterTheWait_IsAllowedAgainAtTheSustainedRate()
    {
        using var client = await StartLimitedAsync();
        var ip = NewClientIp();
        await SpendPublicAsync(client, ip, 30);

        var refused = await LoginAsync(client, ip);
        app.Time.Advance(TimeSpan.FromSeconds(6));
        var afterRetryAfter = await LoginAsync(client, ip);
        var refusedAgain = await LoginAsync(client, ip);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var nextMinute = await SpendPublicAsync(client, ip, 10);
        var eleventh = await LoginAsync(client, ip);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, afterRetryAfter.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedAgain.StatusCode);
        Assert.Equal(10, nextMinute);
        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh.StatusCode);
    }

    [Fact]
    public async Task Authenticated_AServerSendingAllDay_IsNotRefusedAfter30Calls()
    {
        using var client = await StartLimitedAsync();
        var user = await TestUsers.CreateAsync(app);
        var ip = NewClientIp();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 120; i++)
        {
            statuses.Add((await client.SendAsync(From(ip, user.Request(HttpMethod.Get, "api/auth/me")))).StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task PublicBucketSpent_DoesNotBlockTheSameAddressesAuthenticatedCalls()
    {
        using var client = await StartLimitedAsync();
        var user = await TestUsers.CreateAsync(app);
        var ip = NewClientIp();
        await SpendPublicAsync(client, ip, 31);

        var login = await LoginAsync(client, ip);
        var me = await client.SendAsync(From(ip, user.Request(HttpMethod.Get, "api/auth/me")));

        Assert.Equal(HttpStatusCode.TooManyRequests, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task PerKey_ALeakedKeyIsRefused_WithoutSpendingItsTeamsBudget()
    {
        using var client = await StartLimitedAsync(new() { ["MOOSERMAIL_RATE_LIMIT_KEY_PER_MINUTE"] = "5", ["MOOSERMAIL_RATE_LIMIT_KEY_BURST"] = "0" });
        var user = await TestUsers.CreateAsync(app);
        var (_, leaked, _) = await TestApiKeys.CreateAsync(app.CreateClient(), user);
        var (_, other, _) = await TestApiKeys.CreateAsync(app.CreateClient(), user);
        var ip = NewClientIp();

        var leakedStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 50; i++)
        {
            leakedStatuses.Add((await client.SendAsync(From(ip, user.Using(leaked).Request(HttpMethod.Get, "api/auth/me")))).StatusCode);
        }

        var otherKey = await client.SendAsync(From(ip, user.Using(other).Request(HttpMethod.Get, "api/auth/me")));

        Assert.Equal(5, leakedStatuses.Count(s => s == HttpStatusCode.OK));
        Assert.All(leakedStatuses.Skip(5), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
        // The team paid for the 5 calls the leaked key made and the other key's 1, not for the 45 refused ones.
        Assert.Equal("6", await BucketTokensSpentAsync($"team:{user.TeamId:N}", perMinute: 1200));
    }

    [Fact]
    public async Task PerTeam_EveryKeyOfTheTeamCountsAgainstOneBudget_OtherTeamsUnaffected()
    {
        using var client = await StartLimitedAsync(new() { ["MOOSERMAIL_RATE_LIMIT_TEAM_PER_MINUTE"] = "8", ["MOOSERMAIL_RATE_LIMIT_TEAM_BURST"] = "0" });
        var user = await TestUsers.CreateAsync(app);
        var stranger = await TestUsers.CreateAsync(app);
        var keys = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            keys.Add((await TestApiKeys.CreateAsync(app.CreateClient(), user)).Key);
        }

        var ip = NewClientIp();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            statuses.Add((await client.SendAsync(From(ip, user.Using(keys[i % 4]).Request(HttpMethod.Get, "api/auth/me")))).StatusCode);
        }

        var refused = await client.SendAsync(From(ip, user.Using(keys[0]).Request(HttpMethod.Get, "api/auth/me")));
        var strangerCall = await client.SendAsync(From(ip, stranger.Request(HttpMethod.Get, "api/auth/me")));

        Assert.Equal(8, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Contains("per team", (await TestUsers.ProblemAsync(refused)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, strangerCall.StatusCode);
    }

    [Fact]
    public async Task Web_SessionCookie_Allows60PlusBurst30PerSession_AndAnotherSessionIsUnaffected()
    {
        using var client = await StartLimitedAsync();
        var user = await TestUsers.CreateAsync(app);
        var secondSession = await TestUsers.CreateAsync(app);
        var ip = NewClientIp();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 91; i++)
        {
            statuses.Add((await client.SendAsync(From(ip, WithCookie(user, "api/auth/me")))).StatusCode);
        }

        var other = await client.SendAsync(From(ip, WithCookie(secondSession, "api/auth/me")));

        Assert.All(statuses.Take(90), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[90]);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task PublicRoute_WithACookie_StillCountsAsPublic()
    {
        using var client = await StartLimitedAsync();
        var ip = NewClientIp();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 31; i++)
        {
            using var login = new HttpRequestMessage(HttpMethod.Post, "api/auth/login") { Content = JsonContent.Create(new { }) };
            login.Headers.Add("Cookie", $"{SessionCookie.Name}=junk");
            statuses.Add((await client.SendAsync(From(ip, login))).StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(30));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[30]);
    }

    [Fact]
    public async Task Ipv6_ClientsAreCountedPerSlash64()
    {
        using var client = await StartLimitedAsync();
        var prefix = $"2001:db8:{Random.Shared.Next(1, 0xffff):x}:{Random.Shared.Next(1, 0xffff):x}";
        var neighbour = $"2001:db8:{Random.Shared.Next(1, 0xffff):x}:{Random.Shared.Next(1, 0xffff):x}::1";

        var allowed = 0;
        for (var i = 0; i < 30; i++)
        {
            // A fresh address inside the same /64 each time: privacy addresses must not buy fresh buckets.
            allowed += (await LoginAsync(client, $"{prefix}::{i + 1:x}")).StatusCode == HttpStatusCode.TooManyRequests ? 0 : 1;
        }

        var sameNetwork = await LoginAsync(client, $"{prefix}:1234:5678:9abc:def0");
        var otherNetwork = await LoginAsync(client, neighbour);

        Assert.Equal(30, allowed);
        Assert.Equal(HttpStatusCode.TooManyRequests, sameNetwork.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, otherNetwork.StatusCode);
    }

    [Fact]
    public async Task FloodGuard_RefusesAPublicFloodInProcess_BeforeTheSharedBucket()
    {
        using var client = await StartLimitedAsync(new() { ["MOOSERMAIL_FLOOD_GUARD_PER_SECOND"] = "1", ["MOOSERMAIL_FLOOD_GUARD_BURST"] = "5" });
        var ip = NewClientIp();

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await LoginAsync(client, ip));
        }

        Assert.All(answers.Take(5), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.All(answers.Skip(5), r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        // Refused in memory: the shared bucket in Postgres was never asked (no RateLimit-* headers), and holds 5 tokens spent.
        Assert.All(answers.Skip(5), r => Assert.Null(Header(r, "RateLimit-Remaining")));
        Assert.Equal(TimeSpan.FromSeconds(1), answers[^1].Headers.RetryAfter?.Delta);
        Assert.Equal("5", await BucketTokensSpentAsync($"public:{LastHop(ip)}", perMinute: 10));
    }

    [Fact]
    public async Task Health_IsExemptFromTheSharedBuckets()
    {
        using var client = await StartLimitedAsync();
        var ip = NewClientIp();

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 40; i++)
        {
            responses.Add(await client.SendAsync(From(ip, new HttpRequestMessage(HttpMethod.Get, "api/health"))));
        }

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.False(responses[^1].Headers.Contains("RateLimit-Remaining"));
    }

    [Fact]
    public void ResendWebhookReceiver_IsExempt_OtherFunctionsAreNot()
    {
        var receive = typeof(Moosermail.Functions.Webhooks.ResendWebhookFunction).GetMethod(nameof(Moosermail.Functions.Webhooks.ResendWebhookFunction.ReceiveResendWebhook))!;
        var method = typeof(SendFunctions).GetMethod(nameof(SendFunctions.Send))!;

        var webhook = new LocalFunctionContext("ReceiveResendWebhook", receive, app.App.Services, CancellationToken.None);
        var send = new LocalFunctionContext(nameof(SendFunctions.Send), method, app.App.Services, CancellationToken.None);

        Assert.True(RateLimitMiddleware.IsExempt(webhook.FunctionDefinition));
        Assert.False(RateLimitMiddleware.IsExempt(send.FunctionDefinition));
    }

    [Fact]
    public async Task TwoInstances_OnOneDatabase_ShareOneLimit()
    {
        using var first = await StartLimitedAsync();
        using var second = await StartLimitedAsync();
        var ip = NewClientIp();

        var allowed = 0;
        for (var i = 0; i < 30; i++)
        {
            allowed += (await LoginAsync(i % 2 == 0 ? first : second, ip)).StatusCode == HttpStatusCode.TooManyRequests ? 0 : 1;
        }

        var onFirst = await LoginAsync(first, ip);
        var onSecond = await LoginAsync(second, ip);

        Assert.Equal(30, allowed);
        Assert.Equal(HttpStatusCode.TooManyRequests, onFirst.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, onSecond.StatusCode);
    }

    [Fact]
    public async Task ForwardedFor_FromAnUntrustedPeer_IsIgnored()
    {
        using var client = await StartLimitedAsync(trustLoopback: false);
        await ForgetLoopbackBucketsAsync();
        try
        {
            for (var i = 0; i < 30; i++)
            {
                await LoginAsync(client, NewClientIp());
            }

            var refused = await LoginAsync(client, NewClientIp());

            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }
        finally
        {
            await ForgetLoopbackBucketsAsync();
        }
    }

    [Fact]
    public async Task Cleanup_RemovesIdleBuckets_AndIsIdempotent()
    {
        using var client = await StartLimitedAsync();
        var ip = NewClientIp();
        await SpendPublicAsync(client, ip, 5);
        var before = await CountBucketsAsync(ip);

        app.Time.Advance(TimeSpan.FromMinutes(2));
        await app.RunTimerAsync("SecurityCleanup");
        await app.RunTimerAsync("SecurityCleanup");

        Assert.Equal(1, before);
        Assert.Equal(0, await CountBucketsAsync(ip));
    }

    private async Task<HttpClient> StartLimitedAsync(Dictionary<string, string?>? extra = null, bool trustLoopback = true)
    {
        var settings = app.Settings();
        settings["MOOSERMAIL_RATE_LIMITS"] = "on";
        settings["MOOSERMAIL_TRUSTED_PROXIES"] = trustLoopback ? "127.0.0.1, ::1" : null;
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var instance = app.BuildApp(settings);
        _apps.Add(instance);
        await instance.StartAsync();
        return new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(instance.Urls.First() + "/") };
    }

    private static string NewClientIp() => $"203.0.113.{Random.Shared.Next(1, 255)}, 198.51.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";

    private static string LastHop(string forwardedFor) => forwardedFor.Split(',')[^1].Trim();

    private static HttpRequestMessage From(string forwardedFor, HttpRequestMessage request)
    {
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }

    private static HttpRequestMessage WithCookie(TestUser user, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"{SessionCookie.Name}={user.Token}");
        return request;
    }

    /// <summary>A login without fields: a cheap 400 (no bcrypt) that still counts against the public bucket.</summary>
    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string ip) =>
        client.SendAsync(From(ip, new HttpRequestMessage(HttpMethod.Post, "api/auth/login") { Content = JsonContent.Create(new { }) }));

    /// <summary>Makes up to <paramref name="count"/> public requests; returns how many were not refused.</summary>
    private static async Task<int> SpendPublicAsync(HttpClient client, string ip, int count)
    {
        var allowed = 0;
        for (var i = 0; i < count; i++)
        {
            allowed += (await LoginAsync(client, ip)).StatusCode == HttpStatusCode.TooManyRequests ? 0 : 1;
        }

        return allowed;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    /// <summary>How many tokens a bucket has spent, read from its theoretical arrival time (null when it has no row).</summary>
    private async Task<string?> BucketTokensSpentAsync(string key, int perMinute)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        var tat = await connection.ExecuteScalarAsync<DateTime?>("SELECT tat FROM rate_limits WHERE key = @Key", new { Key = key });
        return tat is { } at
            ? Math.Round((new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) - app.Time.GetUtcNow()) / (TimeSpan.FromMinutes(1) / perMinute)).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>The bucket key of a forwarded chain is its last address (the one 127.0.0.1 appended).</summary>
    private async Task<long> CountBucketsAsync(string forwardedFor)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM rate_limits WHERE key LIKE '%:' || @Client", new { Client = LastHop(forwardedFor) });
    }

    private async Task ForgetLoopbackBucketsAsync()
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        await connection.ExecuteAsync("DELETE FROM rate_limits WHERE key IN ('public:127.0.0.1', 'public:::/64', 'address:127.0.0.1', 'address:::/64')");
    }
}

using System.Net;
using System.Net.Http.Headers;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Moosermail.Functions.Hosting;
using Moosermail.Functions.Pipeline;
using Moosermail.Functions.Sending;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.RateLimiting;

/// <summary>
/// The per-IP limits over real HTTP, on app instances of their own with the limits on. Each test calls
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
    public async Task Api_LimitPlusBurst_ThenRefusedWith429AndRetryAfter()
    {
        using var client = await StartLimitedAsync();
        var user = await TestUsers.CreateAsync(app);
        var ip = NewClientIp();

        var allowed = new List<HttpResponseMessage>();
        for (var i = 0; i < 30; i++)
        {
            allowed.Add(await client.SendAsync(From(ip, user.Request(HttpMethod.Get, "api/auth/me"))));
        }

        var refused = await client.SendAsync(From(ip, user.Request(HttpMethod.Get, "api/auth/me")));

        Assert.All(allowed, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal("30", Header(allowed[0], "RateLimit-Limit"));
        Assert.Equal("29", Header(allowed[0], "RateLimit-Remaining"));
        Assert.Equal("0", Header(allowed[^1], "RateLimit-Remaining"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(429, (await TestUsers.ProblemAsync(refused)).GetProperty("status").GetInt32());
        Assert.Equal(TimeSpan.FromSeconds(6), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("0", Header(refused, "RateLimit-Remaining"));
        Assert.Equal("180", Header(refused, "RateLimit-Reset"));
    }

    [Fact]
    public async Task Api_AfterTheWait_IsAllowedAgainAtTheSustainedRate()
    {
        using var client = await StartLimitedAsync();
        var ip = NewClientIp();
        await SpendAsync(client, ip, 30);

        var refused = await GetAsync(client, ip);
        app.Time.Advance(TimeSpan.FromSeconds(6));
        var afterRetryAfter = await GetAsync(client, ip);
        var refusedAgain = await GetAsync(client, ip);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var nextMinute = await SpendAsync(client, ip, 10);
        var eleventh = await GetAsync(client, ip);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, afterRetryAfter.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedAgain.StatusCode);
        Assert.Equal(10, nextMinute);
        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh.StatusCode);
    }

    [Fact]
    public async Task Web_SessionCookie_Allows60PlusBurst30_AndLeavesTheApiBucketAlone()
    {
        using var client = await StartLimitedAsync();
        var user = await TestUsers.CreateAsync(app);
        var ip = NewClientIp();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 91; i++)
        {
            statuses.Add((await client.SendAsync(From(ip, WithCookie(user, "api/auth/me")))).StatusCode);
        }

        var bearer = await client.SendAsync(From(ip, user.Request(HttpMethod.Get, "api/auth/me")));

        Assert.All(statuses.Take(90), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[90]);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
    }

    [Fact]
    public async Task PublicRoute_WithACookie_StillCountsAsApi()
    {
        using var client = await StartLimitedAsync();
        var ip = NewClientIp();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 31; i++)
        {
            using var login = new HttpRequestMessage(HttpMethod.Post, "api/auth/login") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            login.Headers.Add("Cookie", $"{SessionCookie.Name}=junk");
            statuses.Add((await client.SendAsync(From(ip, login))).StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(30));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[30]);
    }

    [Fact]
    public async Task Health_IsExempt()
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
            allowed += (await GetAsync(i % 2 == 0 ? first : second, ip)).StatusCode == HttpStatusCode.TooManyRequests ? 0 : 1;
        }

        var onFirst = await GetAsync(first, ip);
        var onSecond = await GetAsync(second, ip);

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
            await SpendAsync(client, NewClientIp(), 30, differentIpEachTime: true);

            var refused = await GetAsync(client, NewClientIp());

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
        await SpendAsync(client, ip, 5);
        var before = await CountBucketsAsync(ip);

        app.Time.Advance(TimeSpan.FromMinutes(2));
        await app.RunTimerAsync("SecurityCleanup");
        await app.RunTimerAsync("SecurityCleanup");

        Assert.Equal(1, before);
        Assert.Equal(0, await CountBucketsAsync(ip));
    }

    private async Task<HttpClient> StartLimitedAsync(bool trustLoopback = true)
    {
        var settings = app.Settings();
        settings["MOOSERMAIL_RATE_LIMITS"] = "on";
        settings["MOOSERMAIL_TRUSTED_PROXIES"] = trustLoopback ? "127.0.0.1, ::1" : null;
        var instance = app.BuildApp(settings);
        _apps.Add(instance);
        await instance.StartAsync();
        return new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(instance.Urls.First() + "/") };
    }

    private static string NewClientIp() => $"203.0.113.{Random.Shared.Next(1, 255)}, 198.51.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";

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

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string ip) =>
        client.SendAsync(From(ip, new HttpRequestMessage(HttpMethod.Get, "api/auth/me")));

    /// <summary>Makes up to <paramref name="count"/> requests; returns how many were not refused.</summary>
    private static async Task<int> SpendAsync(HttpClient client, string ip, int count, bool differentIpEachTime = false)
    {
        var allowed = 0;
        for (var i = 0; i < count; i++)
        {
            var response = await GetAsync(client, differentIpEachTime ? NewClientIp() : ip);
            allowed += response.StatusCode == HttpStatusCode.TooManyRequests ? 0 : 1;
        }

        return allowed;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    /// <summary>The bucket key of a forwarded chain is its last address (the one 127.0.0.1 appended).</summary>
    private async Task<long> CountBucketsAsync(string forwardedFor)
    {
        var client = forwardedFor.Split(',')[^1].Trim();
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM rate_limits WHERE key LIKE '%:' || @Client", new { Client = client });
    }

    private async Task ForgetLoopbackBucketsAsync()
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        await connection.ExecuteAsync("DELETE FROM rate_limits WHERE key IN ('api:127.0.0.1', 'api:::1', 'web:127.0.0.1', 'web:::1')");
    }
}

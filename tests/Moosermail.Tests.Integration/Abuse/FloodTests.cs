using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Moosermail.Tests.Integration.Abuse;

/// <summary>
/// A bounded flood (2,000 requests, 200 at once) at the two routes exempt from the shared limits — the health
/// probe and a made-up webhook URL — against an instance with a small connection pool (10), as a small
/// server would give each instance. The in-process flood guard and the cached health answer must keep the
/// pool free: an authenticated call made during the flood answers, nothing answers 500, and once the flood
/// stops (and the guard's window passes) both routes answer normally again.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class FloodTests(AppFixture app, ITestOutputHelper output)
{
    private const int Requests = 2_000;
    private const int Concurrency = 200;

    [Fact]
    public async Task FloodOfHealthAndWebhookCalls_LeavesAuthenticatedCallsAnswering_AndNo500s()
    {
        var settings = app.Settings();
        settings["MOOSERMAIL_RATE_LIMITS"] = "on";
        settings["MOOSERMAIL_DATABASE_URL"] = new NpgsqlConnectionStringBuilder(app.DatabaseUrl) { MaxPoolSize = 10, Timeout = 5 }.ConnectionString;
        await using var instance = app.BuildApp(settings);
        await instance.StartAsync();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency, UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(instance.Urls.First() + "/"), Timeout = TimeSpan.FromSeconds(60) };
        var user = await TestUsers.CreateAsync(app);
        var webhookPath = $"api/webhooks/resend/whe_{Guid.NewGuid():N}";

        var statuses = new System.Collections.Concurrent.ConcurrentBag<int>();
        var sent = 0;
        using var gate = new SemaphoreSlim(Concurrency);
        var clock = Stopwatch.StartNew();
        var flood = Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                Interlocked.Increment(ref sent);
                using var request = i % 2 == 0
                    ? new HttpRequestMessage(HttpMethod.Get, "api/health")
                    : new HttpRequestMessage(HttpMethod.Post, webhookPath) { Content = new StringContent("""{"type":"email.sent","data":{}}""", System.Text.Encoding.UTF8, "application/json") };
                using var response = await client.SendAsync(request);
                statuses.Add((int)response.StatusCode);
            }
            finally
            {
                gate.Release();
            }
        }));

        // Bounded wait until the flood is well under way (no sleep as synchronisation: poll the counter).
        var waited = Stopwatch.StartNew();
        while (Volatile.Read(ref sent) < Requests / 4 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Yield();
            await Task.Delay(1);
        }

        var during = Stopwatch.StartNew();
        using var me = await client.SendAsync(user.Request(HttpMethod.Get, "api/auth/me"));
        during.Stop();
        var floodWasRunning = !flood.IsCompleted;
        await flood;
        clock.Stop();

        app.Time.Advance(TimeSpan.FromSeconds(10)); // the flood guard's window passes
        using var healthAfter = await client.GetAsync("api/health");
        using var webhookAfter = await client.PostAsync(webhookPath, new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        var summary = string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}"));
        output.WriteLine($"flood of {Requests} ({Concurrency} at once) took {clock.Elapsed.TotalSeconds:0.0} s: {summary}; authenticated call during it: {(int)me.StatusCode} in {during.ElapsedMilliseconds} ms");
        Assert.Equal(Requests, statuses.Count);
        Assert.DoesNotContain(statuses, s => s >= 500);
        Assert.All(statuses, s => Assert.Contains(s, new[] { 200, 404, 429 }));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.True(floodWasRunning || during.Elapsed < TimeSpan.FromSeconds(5), "the authenticated call should have been made during the flood");
        Assert.Equal(HttpStatusCode.OK, healthAfter.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, webhookAfter.StatusCode);
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Webhooks;

namespace Moosermail.Tests.Integration.Infrastructure;

/// <summary>
/// An app instance of its own whose database connections go through a <see cref="RoundTripCounter"/>, for the
/// round-trip budget tests (Performance/RoundTripBudgetTests, Triggers/TriggerFireRoundTripTests).
/// </summary>
public sealed class MeasuredApp : IAsyncDisposable
{
    private readonly RoundTripCounter _counter;
    private readonly WebApplication _app;

    private MeasuredApp(RoundTripCounter counter, WebApplication app)
    {
        _counter = counter;
        _app = app;
        Client = new HttpClient(new HttpClientHandler { UseCookies = false })
        {
            BaseAddress = new Uri(app.Urls.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/"),
        };
    }

    public HttpClient Client { get; }

    public static async Task<MeasuredApp> StartAsync(AppFixture fixture, bool limits)
    {
        var counter = RoundTripCounter.Start(fixture.DatabaseUrl);
        var settings = fixture.Settings();
        settings["MOOSERMAIL_DATABASE_URL"] = counter.ConnectionString;
        settings["MOOSERMAIL_RATE_LIMITS"] = limits ? "on" : "off";
        var app = fixture.BuildApp(settings);
        await app.StartAsync();
        return new MeasuredApp(counter, app);
    }

    /// <summary>
    /// Round trips the request cost, with the work it leaves behind (a webhook's fold, which follows the answer);
    /// it must succeed.
    /// </summary>
    public async Task<long> CountAsync(Func<HttpClient, Task<HttpResponseMessage>> request)
    {
        var folds = _app.Services.GetRequiredService<WebhookFoldWorker>();
        await folds.WhenIdleAsync();
        var before = _counter.RoundTrips;
        using var response = await request(Client);
        await folds.WhenIdleAsync();
        var after = _counter.RoundTrips;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.NotEqual(HttpStatusCode.TooManyRequests, response.StatusCode);
        return after - before;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        await _counter.DisposeAsync();
    }
}

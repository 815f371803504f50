using System.Net;
using System.Net.Http.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Abuse;

/// <summary>
/// Failed logins per account: five are free, then each failure doubles the wait, whatever address the
/// attempts come from, and an email without an account gets exactly the same answers.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class LoginThrottleTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task FiveFailures_ThenBackoff_EvenForTheRightPassword_AndAfterTheWaitItWorksAndResets()
    {
        var user = await TestUsers.CreateAsync(app);

        var failures = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            failures.Add((await LoginAsync(user.Email, "wrong password " + i)).StatusCode);
        }

        var rightButWaiting = await LoginAsync(user.Email, user.Password);
        app.Time.Advance(TimeSpan.FromSeconds(2));
        var afterTheWait = await LoginAsync(user.Email, user.Password);
        var wrongAgain = await LoginAsync(user.Email, "wrong again");

        Assert.All(failures, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, rightButWaiting.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), rightButWaiting.Headers.RetryAfter?.Delta);
        Assert.Contains("Retry after 2 seconds", (await TestUsers.ProblemAsync(rightButWaiting)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, afterTheWait.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAgain.StatusCode); // a success cleared the count
    }

    [Fact]
    public async Task EachFurtherFailure_DoublesTheWait()
    {
        var email = TestUsers.NewEmail("backoff");
        for (var i = 0; i < 5; i++)
        {
            await LoginAsync(email, "guess");
        }

        var waits = new List<TimeSpan?>();
        for (var i = 0; i < 3; i++)
        {
            var refused = await LoginAsync(email, "guess");
            waits.Add(refused.Headers.RetryAfter?.Delta);
            app.Time.Advance(refused.Headers.RetryAfter!.Delta!.Value);
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(email, "guess")).StatusCode);
        }

        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)], waits);
    }

    [Fact]
    public async Task AConcurrentBurst_GetsOnlyTheFreeFailuresChecked_TheRestWait()
    {
        // Checking the backoff and counting the failure are one statement, so requests in flight together cannot
        // all slip past the check before any of them is counted.
        var user = await TestUsers.CreateAsync(app);

        var burst = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => LoginAsync(user.Email, "burst guess " + i)));

        Assert.Equal(5, burst.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(7, burst.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(burst.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests), r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task ThrottleIsPerAccount_NotPerAddress_AndAnUnknownEmailAnswersTheSame()
    {
        // An instance that believes X-Forwarded-For from loopback and has the per-address limits on, so each
        // attempt really comes from another address with a bucket of its own.
        var settings = app.Settings();
        settings["MOOSERMAIL_RATE_LIMITS"] = "on";
        settings["MOOSERMAIL_TRUSTED_PROXIES"] = "127.0.0.1, ::1";
        await using var instance = app.BuildApp(settings);
        await instance.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(instance.Urls.First() + "/") };
        var user = await TestUsers.CreateAsync(app);
        var nobody = TestUsers.NewEmail("nobody");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(user.Email, "guess", client, $"198.51.100.{i + 1}")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(nobody, "guess", client, $"198.51.101.{i + 1}")).StatusCode);
        }

        var known = await LoginAsync(user.Email, "guess", client, "192.0.2.77");
        var unknown = await LoginAsync(nobody, "guess", client, "192.0.2.78");
        var knownProblem = await TestUsers.ProblemAsync(known);
        var unknownProblem = await TestUsers.ProblemAsync(unknown);

        Assert.Equal(HttpStatusCode.TooManyRequests, known.StatusCode);
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(known.Headers.RetryAfter?.Delta, unknown.Headers.RetryAfter?.Delta);
        Assert.Equal(knownProblem.GetProperty("detail").GetString(), unknownProblem.GetProperty("detail").GetString());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Cli_OnA429_SaysHowManySecondsToWait()
    {
        var user = await TestUsers.CreateAsync(app);
        for (var i = 0; i < 5; i++)
        {
            await LoginAsync(user.Email, "guess");
        }

        using var cli = new Cli.CliRunner(app);
        var login = await cli.RunAsync("login", "--email", user.Email, "--password", user.Password);

        Assert.Equal(1, login.ExitCode);
        Assert.Contains("Retry after 2 seconds", login.Error, StringComparison.Ordinal);
        Assert.Contains("HTTP 429", login.Error, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> LoginAsync(string email, string password, HttpClient? client = null, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/login") { Content = JsonContent.Create(new { email, password }) };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await (client ?? _client).SendAsync(request);
    }
}

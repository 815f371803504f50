using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Configuration;
using Moosermail.Functions.Hosting;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Hosting;

/// <summary>Wrong settings and a lost database say so in one line, never with a stack trace (found by the new-user trial).</summary>
[Collection(AppCollection.Name)]
public sealed class StartupFailureTests(AppFixture app)
{
    [Fact]
    public void LocalSettingsThatAreNotJson_AreAOneLineConfigurationError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"moosermail-settings-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ \"Values\": { \"JWT_SECRET\": \"x\", }\n nope");
        try
        {
            var error = Assert.Throws<ConfigurationException>(() => new ConfigurationBuilder().AddLocalSettingsValues(path));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task TimerWhileTheDatabaseIsUnreachable_LogsOneWarningAndNoStackTrace()
    {
        var logs = new LogCapture();
        var settings = app.Settings();
        settings["MOOSERMAIL_DATABASE_URL"] = "Host=127.0.0.1;Port=1;Database=nothing;Username=nobody;Timeout=2";
        await using var lost = app.BuildApp(settings, logs);
        await lost.StartAsync();

        await LocalInvoker.InvokeTimerAsync(lost.Services, lost.Services.GetRequiredService<FunctionCatalog>().Timers.Single(t => t.Name == "OutboxDispatch"), CancellationToken.None);

        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("the database is unavailable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HealthWhileTheDatabaseIsUnreachable_OneLineNamingTheSettingAndServer_LoggedOnce()
    {
        var logs = new LogCapture();
        var settings = app.Settings();
        settings["MOOSERMAIL_DATABASE_URL"] = "Host=127.0.0.1;Port=1;Database=nothing;Username=nobody;Timeout=2";
        await using var lost = app.BuildApp(settings, logs);
        await lost.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(lost.Urls.First() + "/") };

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await client.GetAsync(new Uri("api/health", UriKind.Relative))).StatusCode);
            await Task.Delay(Moosermail.Core.Health.HealthService.CacheFor + TimeSpan.FromMilliseconds(100)); // past the cache, so the second probe asks again
        }

        var health = Assert.Single(logs.Entries, e => e.Category == typeof(Moosermail.Core.Health.HealthService).FullName);
        Assert.Equal(LogLevel.Warning, health.Level);
        Assert.Null(health.Exception);
        Assert.Contains("127.0.0.1:1", health.Message, StringComparison.Ordinal);
        Assert.Contains("MOOSERMAIL_DATABASE_URL", health.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', health.Message);
    }

    [Fact]
    public async Task ResendUnreachable_OneLineNamingItsHost_NoHttpClientStackTraces()
    {
        var logs = new LogCapture();
        var settings = app.Settings();
        settings["RESEND_BASE_URL"] = "http://127.0.0.1:1";
        await using var offline = app.BuildApp(settings, logs);
        await offline.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(offline.Urls.First() + "/") };
        var user = await TestUsers.CreateAsync(app);

        var response = await client.SendAsync(user.Request(HttpMethod.Post, "api/keys", new { api_key = "re_unreachable_1234", from_address = "Team <hello@example.com>" }));

        Assert.Equal(System.Net.HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Information && e.Exception is not null); // Polly keeps one at Debug
        var failure = Assert.Single(logs.Entries, e => e.Category == typeof(Moosermail.Core.Resend.ResendClient).FullName && e.Level == LogLevel.Warning);
        Assert.Contains("127.0.0.1:1", failure.Message, StringComparison.Ordinal);
        Assert.Contains("no answer", failure.Message, StringComparison.Ordinal);
    }
}

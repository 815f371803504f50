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
}

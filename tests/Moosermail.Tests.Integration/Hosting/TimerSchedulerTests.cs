using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Hosting;

/// <summary>The local host's scheduler, switched on (the fixture's app runs timers by hand instead).</summary>
[Collection(AppCollection.Name)]
public sealed class TimerSchedulerTests(AppFixture app)
{
    [Fact]
    public async Task Enabled_RunsATimerWhenItsScheduleComes()
    {
        var settings = app.Settings();
        settings["MOOSERMAIL_TIMERS"] = "on";
        var logs = new LogCapture();
        await using var instance = app.BuildApp(settings, logs);
        await instance.StartAsync();
        var before = Ran(logs);

        // The scheduler arms its delays on a background task: step the clock an hour at a time until the
        // hourly SecurityCleanup has come due on an armed delay.
        for (var step = 0; step < 20 && !Ran(logs); step++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(61));
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.False(before);
        Assert.True(Ran(logs), "SecurityCleanup did not run after its hourly schedule came round");
    }

    private static bool Ran(LogCapture logs) =>
        logs.Entries.Any(e => e.Message.StartsWith("Security cleanup removed", StringComparison.Ordinal));
}

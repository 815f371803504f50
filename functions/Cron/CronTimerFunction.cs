using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Cron;

namespace Moosermail.Functions.Cron;

public sealed class CronTimerFunction(CronRunner runner)
{
    /// <summary>Every minute, one second in (NCRONTAB: second minute hour day month weekday): runs each due slot once across instances.</summary>
    [Function(nameof(CronTick))]
    public Task CronTick([TimerTrigger("1 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        runner.RunDueAsync(cancellationToken);
}

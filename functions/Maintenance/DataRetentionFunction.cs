using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Maintenance;

namespace Moosermail.Functions.Maintenance;

public sealed class DataRetentionFunction(DataRetentionService retention)
{
    /// <summary>Hourly, at minute 20 (NCRONTAB: second minute hour day month weekday).</summary>
    [Function(nameof(DataRetention))]
    public Task DataRetention([TimerTrigger("0 20 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        retention.RunAsync(cancellationToken);
}

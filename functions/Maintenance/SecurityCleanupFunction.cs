using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Maintenance;

namespace Moosermail.Functions.Maintenance;

public sealed class SecurityCleanupFunction(SecurityCleanupService cleanup)
{
    /// <summary>Hourly, at minute 5 (NCRONTAB: second minute hour day month weekday).</summary>
    [Function(nameof(SecurityCleanup))]
    public Task SecurityCleanup([TimerTrigger("0 5 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        cleanup.RunAsync(cancellationToken);
}

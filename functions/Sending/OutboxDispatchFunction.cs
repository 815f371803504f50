using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Sending;

namespace Moosermail.Functions.Sending;

public sealed class OutboxDispatchFunction(OutboxDispatcher dispatcher)
{
    /// <summary>Every 10 seconds: retries, scheduled emails and anything an inline attempt left behind.</summary>
    [Function(nameof(OutboxDispatch))]
    public Task OutboxDispatch([TimerTrigger("*/10 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.DispatchDueAsync(TimeSpan.FromSeconds(50), cancellationToken);
}

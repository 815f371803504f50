using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.OutboundWebhooks;

namespace Moosermail.Functions.OutboundWebhooks;

public sealed class OutboundWebhookDispatchFunction(OutboundWebhookDispatcher dispatcher)
{
    /// <summary>Every 10 seconds: stored Resend events become email.* events, then due deliveries and retries are posted.</summary>
    [Function(nameof(OutboundWebhookDispatch))]
    public Task OutboundWebhookDispatch([TimerTrigger("*/10 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.DispatchDueAsync(TimeSpan.FromSeconds(50), cancellationToken);
}

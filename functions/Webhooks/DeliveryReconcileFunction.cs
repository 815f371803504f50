using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Webhooks;

namespace Moosermail.Functions.Webhooks;

public sealed class DeliveryReconcileFunction(DeliveryReconciler reconciler)
{
    /// <summary>Every 5 minutes: late webhooks folded, emails stuck in 'sent' checked with Resend.</summary>
    [Function(nameof(DeliveryReconcile))]
    public Task DeliveryReconcile([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        reconciler.RunAsync(cancellationToken);
}

using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.OperatorMail;

namespace Moosermail.Functions.Maintenance;

public sealed class OperatorMailDispatchFunction(OperatorMailer mailer)
{
    /// <summary>Every 10 seconds: operator mail (resets, verification, invitations) that the immediate attempt left behind.</summary>
    [Function(nameof(OperatorMailDispatch))]
    public Task OperatorMailDispatch([TimerTrigger("5/10 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        mailer.DispatchDueAsync(TimeSpan.FromSeconds(50), cancellationToken);
}

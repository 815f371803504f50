using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Accounts;

namespace Moosermail.Functions.Maintenance;

public sealed class AccountTokenCleanupFunction(AccountRecoveryService recovery)
{
    /// <summary>Hourly: expired reset and verification tokens, and old operator mail rows (every check compares times itself).</summary>
    [Function(nameof(AccountTokenCleanup))]
    public Task AccountTokenCleanup([TimerTrigger("0 17 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        recovery.CleanupAsync(cancellationToken);
}

using Moosermail.Core.Teams;

namespace Moosermail.Core.Accounts;

/// <summary>Only an account whose address is verified may accept an invitation: closes signup squatting.</summary>
public sealed class VerifiedAccountsMayAccept(AccountRepository accounts) : IInvitationAcceptancePolicy
{
    public Task<bool> MayAcceptAsync(Guid userId, CancellationToken cancellationToken) => accounts.IsEmailVerifiedAsync(userId, cancellationToken);
}

namespace Moosermail.Core.Teams;

/// <summary>
/// Whether an account may accept invitations at all (on top of the token and the matching address). Seam for
/// email verification: an unverified account must not join a team as an address it may not own.
/// </summary>
public interface IInvitationAcceptancePolicy
{
    Task<bool> MayAcceptAsync(Guid userId, CancellationToken cancellationToken);
}

/// <summary>The default until email verification exists: the token and the matching address are the whole check.</summary>
public sealed class AnyAccountMayAccept : IInvitationAcceptancePolicy
{
    public Task<bool> MayAcceptAsync(Guid userId, CancellationToken cancellationToken) => Task.FromResult(true);
}

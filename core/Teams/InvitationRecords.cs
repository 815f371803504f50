namespace Moosermail.Core.Teams;

public sealed record CreateInvitationRequest(string? Email, string? Role, PermissionOverrides? Permissions);

public sealed record AcceptInvitationRequest(string? Token);

/// <summary>The one response that carries the invitation token (and the accept link built from it).</summary>
public sealed record CreatedInvitation(
    Guid Id,
    string Email,
    string Role,
    IReadOnlyList<string> Permissions,
    PermissionOverrides Overrides,
    DateTimeOffset ExpiresAt,
    string AcceptUrl,
    string Token,
    bool Emailed);

/// <summary>A pending invitation as lists show it: never the token, never its hash.</summary>
public sealed record InvitationSummary
{
    public Guid Id { get; init; }

    public string Email { get; init; } = string.Empty;

    public string Role { get; init; } = string.Empty;

    public string[] Granted { get; init; } = [];

    public string[] Revoked { get; init; } = [];

    public Guid? InvitedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }
}

public sealed record InvitationView(
    Guid Id,
    string Email,
    string Role,
    IReadOnlyList<string> Permissions,
    PermissionOverrides Overrides,
    Guid? InvitedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);

/// <summary>What an invitation mail needs. The token is in <see cref="AcceptUrl"/>; a mailer must not log either.</summary>
public sealed record InvitationMail(Guid InvitationId, Guid TeamId, string TeamName, string Email, string Role, string InvitedByEmail, string AcceptUrl, DateTimeOffset ExpiresAt);

/// <summary>
/// Seam for operator mail: sends the invitation with its accept link through Moosermail's own sender.
/// Returns false when operator mail is not configured (the invitation still stands; the inviter shares the link).
/// Registered with TryAdd, so the operator-mail implementation replaces <see cref="NoInvitationMailer"/>.
/// </summary>
public interface IInvitationMailer
{
    Task<bool> SendAsync(InvitationMail mail, CancellationToken cancellationToken);
}

/// <summary>The default when no operator mail is configured: nothing is sent and the inviter shares the link.</summary>
public sealed class NoInvitationMailer : IInvitationMailer
{
    public Task<bool> SendAsync(InvitationMail mail, CancellationToken cancellationToken) => Task.FromResult(false);
}

public enum InvitationAcceptance
{
    Joined,
    NoSuchInvitation,
    AlreadyMember,
}

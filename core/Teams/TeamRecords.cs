namespace Moosermail.Core.Teams;

public sealed record CreateTeamRequest(string? Name);

public sealed record RenameTeamRequest(string? Name);

/// <summary>
/// Per-member overrides on top of the role's default set: effective = (role defaults ∪ grant) − revoke.
/// The one shape used by member changes and invitations; an owner always holds everything and takes none.
/// </summary>
public sealed record PermissionOverrides(IReadOnlyList<string>? Grant, IReadOnlyList<string>? Revoke);

public sealed record ChangeMemberRequest(string? Role, PermissionOverrides? Permissions);

public sealed record TransferTeamRequest(Guid? UserId);

/// <summary>A team as its member sees it: their role and effective permissions in it.</summary>
public sealed record TeamView(Guid Id, string Name, bool Personal, string Role, IReadOnlyList<string> Permissions, DateTimeOffset CreatedAt);

public sealed record MemberView(
    Guid UserId,
    string Email,
    string Role,
    IReadOnlyList<string> Permissions,
    PermissionOverrides Overrides,
    DateTimeOffset JoinedAt);

/// <summary>A membership row as stored (overrides, not the effective set).</summary>
public sealed record MemberRow
{
    public Guid UserId { get; init; }

    public string Email { get; init; } = string.Empty;

    public string Role { get; init; } = string.Empty;

    public string[] Granted { get; init; } = [];

    public string[] Revoked { get; init; } = [];

    public DateTimeOffset JoinedAt { get; init; }

    public MemberView ToView() => new(
        UserId,
        Email,
        Role,
        Security.Permissions.Effective(Role, Granted, Revoked).Order(StringComparer.Ordinal).ToList(),
        new PermissionOverrides(Granted, Revoked),
        JoinedAt);
}

public sealed record TeamRow
{
    public Guid Id { get; init; }

    public string Name { get; init; } = string.Empty;

    public Guid? PersonalOf { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

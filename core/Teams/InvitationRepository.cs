using Dapper;
using Moosermail.Core.Audit;
using Npgsql;

namespace Moosermail.Core.Teams;

/// <summary>
/// A team's invitations. Scoped by team id in SQL, except <see cref="AcceptAsync"/>, which finds the
/// invitation by its token hash (the token is the capability) and still requires the invited address.
/// </summary>
public sealed class InvitationRepository(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Refused when the address is already a member or already has a pending invitation to this team, or the team
    /// holds <paramref name="maxPending"/> pending invitations. The team row is locked first, so concurrent
    /// invitations count each other.
    /// </summary>
    public async Task<InvitationInsert> TryInsertAsync(Guid id, Guid teamId, string email, string role, IReadOnlyList<string> granted, IReadOnlyList<string> revoked, byte[] tokenHash, Guid invitedBy, DateTimeOffset expiresAt, int maxPending, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Lock, then count in a statement of its own: it takes its snapshot after the lock is granted.
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT 1 FROM teams WHERE id = @TeamId FOR UPDATE", new { TeamId = teamId }, transaction, cancellationToken: cancellationToken));
        var pending = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT count(*)
            FROM team_invitations
            WHERE team_id = @TeamId
              AND accepted_at IS NULL
              AND revoked_at IS NULL
              AND expires_at > @Now
            """,
            new { TeamId = teamId, Now = now }, transaction, cancellationToken: cancellationToken));
        if (pending >= maxPending)
        {
            return InvitationInsert.TooManyPending;
        }

        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO team_invitations (id, team_id, email, role, granted, revoked, token_hash, invited_by, expires_at, created_at)
            SELECT @Id, @TeamId, @Email, @Role, @Granted, @Revoked, @TokenHash, @InvitedBy, @ExpiresAt, @Now
            WHERE NOT EXISTS (
                    SELECT 1
                    FROM team_members m
                    JOIN users u ON u.id = m.user_id
                    WHERE m.team_id = @TeamId
                      AND lower(u.email) = lower(@Email))
              AND NOT EXISTS (
                    SELECT 1
                    FROM team_invitations i
                    WHERE i.team_id = @TeamId
                      AND lower(i.email) = lower(@Email)
                      AND i.accepted_at IS NULL
                      AND i.revoked_at IS NULL
                      AND i.expires_at > @Now)
            """,
            new { Id = id, TeamId = teamId, Email = email, Role = role, Granted = granted.ToArray(), Revoked = revoked.ToArray(), TokenHash = tokenHash, InvitedBy = invitedBy, ExpiresAt = expiresAt, Now = now },
            transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            return InvitationInsert.AlreadyMemberOrInvited;
        }

        await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return InvitationInsert.Inserted;
    }

    public async Task<IReadOnlyList<InvitationSummary>> ListPendingAsync(Guid teamId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<InvitationSummary>(new CommandDefinition(
            """
            SELECT id, email, role, granted, revoked, invited_by, created_at, expires_at
            FROM team_invitations
            WHERE team_id = @TeamId
              AND accepted_at IS NULL
              AND revoked_at IS NULL
              AND expires_at > @Now
            ORDER BY created_at DESC, id
            """,
            new { TeamId = teamId, Now = now }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>False when the invitation is missing, in another team, or no longer pending.</summary>
    public async Task<bool> RevokeAsync(Guid teamId, Guid id, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var revoked = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE team_invitations
            SET revoked_at = @Now
            WHERE id = @Id
              AND team_id = @TeamId
              AND accepted_at IS NULL
              AND revoked_at IS NULL
              AND expires_at > @Now
            """,
            new { Id = id, TeamId = teamId, Now = now }, transaction, cancellationToken: cancellationToken));
        if (revoked == 0)
        {
            return false;
        }

        await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Spends a pending, unexpired invitation addressed to <paramref name="email"/> (case-insensitive) and adds
    /// the user to its team with the invited role and overrides, in one transaction with the audit entry.
    /// </summary>
    public async Task<(InvitationAcceptance Outcome, Guid TeamId)> AcceptAsync(byte[] tokenHash, Guid userId, string email, DateTimeOffset now, Func<Guid, Guid, string, AuditEntry> audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var invitation = await connection.QuerySingleOrDefaultAsync<PendingRow>(new CommandDefinition(
            """
            SELECT id, team_id, role, granted, revoked
            FROM team_invitations
            WHERE token_hash = @TokenHash
              AND lower(email) = lower(@Email)
              AND accepted_at IS NULL
              AND revoked_at IS NULL
              AND expires_at > @Now
            FOR UPDATE
            """,
            new { TokenHash = tokenHash, Email = email, Now = now }, transaction, cancellationToken: cancellationToken));
        if (invitation is null)
        {
            return (InvitationAcceptance.NoSuchInvitation, Guid.Empty);
        }

        var joined = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO team_members (team_id, user_id, role, granted, revoked, created_at)
            VALUES (@TeamId, @UserId, @Role, @Granted, @Revoked, @Now)
            ON CONFLICT (team_id, user_id) DO NOTHING
            """,
            new { invitation.TeamId, UserId = userId, invitation.Role, invitation.Granted, invitation.Revoked, Now = now }, transaction, cancellationToken: cancellationToken));
        if (joined == 0)
        {
            return (InvitationAcceptance.AlreadyMember, invitation.TeamId);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE team_invitations
            SET accepted_at = @Now, accepted_by = @UserId
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { invitation.Id, invitation.TeamId, UserId = userId, Now = now }, transaction, cancellationToken: cancellationToken));
        await AuditLog.AppendAsync(connection, transaction, audit(invitation.TeamId, invitation.Id, invitation.Role), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (InvitationAcceptance.Joined, invitation.TeamId);
    }

    private sealed record PendingRow
    {
        public Guid Id { get; init; }

        public Guid TeamId { get; init; }

        public string Role { get; init; } = string.Empty;

        public string[] Granted { get; init; } = [];

        public string[] Revoked { get; init; } = [];
    }
}

public enum InvitationInsert
{
    Inserted,
    AlreadyMemberOrInvited,
    TooManyPending,
}

using Dapper;
using Moosermail.Core.Audit;
using Npgsql;

namespace Moosermail.Core.Teams;

public enum MembershipChange
{
    Done,

    /// <summary>The member is gone, or their role changed since the rules were checked.</summary>
    NotFound,

    /// <summary>The change would leave the team without an owner.</summary>
    LastOwner,
}

/// <summary>
/// Teams and their members. Every statement names the team id in its SQL; callers have already resolved
/// the caller's membership in that team (CallerResolver.InTeamAsync). Membership changes lock the team row
/// first, so two concurrent changes cannot both remove "the other" owner.
/// </summary>
public sealed class TeamRepository(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// False when the owner already owns <paramref name="maxOwned"/> teams. The owner's user row is locked first,
    /// so concurrent creates by one account count each other.
    /// </summary>
    public async Task<bool> TryCreateAsync(Guid teamId, string name, Guid ownerId, int maxOwned, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Lock, then count in a statement of its own: it takes its snapshot after the lock is granted.
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT 1 FROM users WHERE id = @OwnerId FOR UPDATE", new { OwnerId = ownerId }, transaction, cancellationToken: cancellationToken));
        var owned = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM team_members WHERE user_id = @OwnerId AND role = 'owner'",
            new { OwnerId = ownerId }, transaction, cancellationToken: cancellationToken));
        if (owned >= maxOwned)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO teams (id, name, personal_of, created_at)
            VALUES (@TeamId, @Name, NULL, @Now);
            INSERT INTO team_members (team_id, user_id, role, created_at)
            VALUES (@TeamId, @OwnerId, 'owner', @Now);
            """,
            new { TeamId = teamId, Name = name, OwnerId = ownerId, Now = now }, transaction, cancellationToken: cancellationToken));
        await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The user's teams with their membership; only <paramref name="onlyTeamId"/> when given (an mk_ key sees its own team).</summary>
    public async Task<IReadOnlyList<(TeamRow Team, MemberRow Member)>> ListForUserAsync(Guid userId, Guid? onlyTeamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TeamRow, MemberRow, (TeamRow, MemberRow)>(new CommandDefinition(
            """
            SELECT t.id, t.name, t.personal_of, t.created_at,
                   m.user_id, m.role, m.granted, m.revoked, m.created_at AS joined_at
            FROM team_members m
            JOIN teams t ON t.id = m.team_id
            WHERE m.user_id = @UserId
              AND (@OnlyTeamId::uuid IS NULL OR t.id = @OnlyTeamId)
            ORDER BY t.personal_of IS NOT DISTINCT FROM m.user_id DESC, t.created_at, t.id
            """,
            new { UserId = userId, OnlyTeamId = onlyTeamId }, cancellationToken: cancellationToken),
            (team, member) => (team, member), splitOn: "user_id");
        return rows.ToList();
    }

    public async Task<TeamRow?> GetAsync(Guid teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<TeamRow>(new CommandDefinition(
            """
            SELECT id, name, personal_of, created_at
            FROM teams
            WHERE id = @TeamId
            """,
            new { TeamId = teamId }, cancellationToken: cancellationToken));
    }

    public async Task<bool> RenameAsync(Guid teamId, string name, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE teams
            SET name = @Name
            WHERE id = @TeamId
            """,
            new { TeamId = teamId, Name = name }, transaction, cancellationToken: cancellationToken));
        if (updated == 0)
        {
            return false;
        }

        await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Deletes a shared team (never a personal one) and, through ON DELETE CASCADE, every row it owns.</summary>
    public async Task<bool> DeleteSharedAsync(Guid teamId, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM teams
            WHERE id = @TeamId
              AND personal_of IS NULL
            """,
            new { TeamId = teamId }, transaction, cancellationToken: cancellationToken));
        if (deleted == 0)
        {
            return false;
        }

        await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<MemberRow>> ListMembersAsync(Guid teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<MemberRow>(new CommandDefinition(
            """
            SELECT m.user_id, u.email, m.role, m.granted, m.revoked, m.created_at AS joined_at
            FROM team_members m
            JOIN users u ON u.id = m.user_id
            WHERE m.team_id = @TeamId
            ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, m.created_at, lower(u.email)
            """,
            new { TeamId = teamId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Null when the user is not a member of this team.</summary>
    public async Task<MemberRow?> GetMemberAsync(Guid teamId, Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<MemberRow>(new CommandDefinition(
            """
            SELECT m.user_id, u.email, m.role, m.granted, m.revoked, m.created_at AS joined_at
            FROM team_members m
            JOIN users u ON u.id = m.user_id
            WHERE m.team_id = @TeamId
              AND m.user_id = @UserId
            """,
            new { TeamId = teamId, UserId = userId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Sets the member's role and overrides, provided their role is still <paramref name="expectedRole"/> (the
    /// role the rules were checked against) and the team keeps at least one owner.
    /// </summary>
    public Task<MembershipChange> UpdateMemberAsync(Guid teamId, Guid userId, string expectedRole, string role, IReadOnlyList<string> granted, IReadOnlyList<string> revoked, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken) =>
        InLockedTeamAsync(teamId, audit, now, async (connection, transaction) =>
        {
            if (expectedRole == Security.Roles.Owner && role != Security.Roles.Owner && await OtherOwnersAsync(connection, transaction, teamId, userId, cancellationToken) == 0)
            {
                return MembershipChange.LastOwner;
            }

            var updated = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE team_members
                SET role = @Role, granted = @Granted, revoked = @Revoked
                WHERE team_id = @TeamId
                  AND user_id = @UserId
                  AND role = @ExpectedRole
                """,
                new { TeamId = teamId, UserId = userId, ExpectedRole = expectedRole, Role = role, Granted = granted.ToArray(), Revoked = revoked.ToArray() },
                transaction, cancellationToken: cancellationToken));
            return updated == 1 ? MembershipChange.Done : MembershipChange.NotFound;
        }, cancellationToken);

    /// <summary>
    /// Removes the member and deletes every mk_ key they created in this team, so their sessions and keys stop
    /// at the next request. Refused when they are the last owner.
    /// </summary>
    public Task<MembershipChange> RemoveMemberAsync(Guid teamId, Guid userId, string expectedRole, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken) =>
        InLockedTeamAsync(teamId, audit, now, async (connection, transaction) =>
        {
            if (expectedRole == Security.Roles.Owner && await OtherOwnersAsync(connection, transaction, teamId, userId, cancellationToken) == 0)
            {
                return MembershipChange.LastOwner;
            }

            var removed = await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM team_members
                WHERE team_id = @TeamId
                  AND user_id = @UserId
                  AND role = @ExpectedRole
                """,
                new { TeamId = teamId, UserId = userId, ExpectedRole = expectedRole }, transaction, cancellationToken: cancellationToken));
            if (removed == 0)
            {
                return MembershipChange.NotFound;
            }

            await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM api_keys
                WHERE team_id = @TeamId
                  AND created_by = @UserId
                """,
                new { TeamId = teamId, UserId = userId }, transaction, cancellationToken: cancellationToken));
            return MembershipChange.Done;
        }, cancellationToken);

    /// <summary>Makes <paramref name="newOwnerId"/> an owner and <paramref name="oldOwnerId"/> (still an owner) an admin; overrides of both are cleared.</summary>
    public Task<MembershipChange> TransferAsync(Guid teamId, Guid oldOwnerId, Guid newOwnerId, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken) =>
        InLockedTeamAsync(teamId, audit, now, async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE team_members
                SET role = CASE WHEN user_id = @NewOwnerId THEN 'owner' ELSE 'admin' END,
                    granted = '{}',
                    revoked = '{}'
                WHERE team_id = @TeamId
                  AND user_id IN (@OldOwnerId, @NewOwnerId)
                  AND EXISTS (
                      SELECT 1
                      FROM team_members o
                      WHERE o.team_id = @TeamId
                        AND o.user_id = @OldOwnerId
                        AND o.role = 'owner')
                """,
                new { TeamId = teamId, OldOwnerId = oldOwnerId, NewOwnerId = newOwnerId }, transaction, cancellationToken: cancellationToken));
            return changed == 2 ? MembershipChange.Done : MembershipChange.NotFound;
        }, cancellationToken);

    private static Task<int> OtherOwnersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid teamId, Guid userId, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            SELECT count(*)::int
            FROM team_members
            WHERE team_id = @TeamId
              AND role = 'owner'
              AND user_id <> @UserId
            """,
            new { TeamId = teamId, UserId = userId }, transaction, cancellationToken: cancellationToken));

    // Commits only when the work reports Done; the audit entry is written in the same transaction.
    private async Task<MembershipChange> InLockedTeamAsync(Guid teamId, AuditEntry audit, DateTimeOffset now, Func<NpgsqlConnection, NpgsqlTransaction, Task<MembershipChange>> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var locked = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            """
            SELECT id
            FROM teams
            WHERE id = @TeamId
            FOR UPDATE
            """,
            new { TeamId = teamId }, transaction, cancellationToken: cancellationToken));
        if (locked is null)
        {
            return MembershipChange.NotFound;
        }

        var outcome = await work(connection, transaction);
        if (outcome == MembershipChange.Done)
        {
            await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return outcome;
    }
}

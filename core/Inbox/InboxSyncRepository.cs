using Dapper;
using Npgsql;

namespace Moosermail.Core.Inbox;

/// <summary>A team's backfill place, leased by one instance for one run.</summary>
public sealed record InboxSyncState
{
    public Guid TeamId { get; init; }

    public string? LastSeenId { get; init; }

    public string? WalkAfter { get; init; }

    public string? WalkTop { get; init; }
}

/// <summary>
/// Where the backfill timer stands per team. System-level by design (the timer serves every team with a Resend key):
/// runs are leased with FOR UPDATE SKIP LOCKED, so two instances never walk one team's list at once.
/// </summary>
public sealed class InboxSyncRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Gives every team with a default sender a backfill row, due now.</summary>
    public async Task AddNewTeamsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO inbox_sync (team_id, next_run_at, updated_at)
            SELECT s.team_id, @Now, @Now
            FROM senders s
            WHERE s.is_default
              AND NOT EXISTS (SELECT 1 FROM inbox_sync y WHERE y.team_id = s.team_id)
            ON CONFLICT (team_id) DO NOTHING
            """,
            new { Now = now }, cancellationToken: cancellationToken));
    }

    /// <summary>Leases up to <paramref name="limit"/> due teams (or just <paramref name="teamId"/>, due or not).</summary>
    public async Task<IReadOnlyList<InboxSyncState>> ClaimAsync(DateTimeOffset now, TimeSpan lease, int limit, Guid? teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (teamId is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO inbox_sync (team_id, next_run_at, updated_at)
                VALUES (@TeamId, @Now, @Now)
                ON CONFLICT (team_id) DO NOTHING
                """,
                new { TeamId = teamId, Now = now }, cancellationToken: cancellationToken));
        }

        var rows = await connection.QueryAsync<InboxSyncState>(new CommandDefinition(
            """
            WITH due AS (
                SELECT team_id
                FROM inbox_sync
                WHERE (@TeamId::uuid IS NULL AND next_run_at <= @Now OR team_id = @TeamId)
                  AND (lease_until IS NULL OR lease_until < @Now)
                ORDER BY next_run_at
                LIMIT @Limit
                FOR UPDATE SKIP LOCKED
            )
            UPDATE inbox_sync y
            SET lease_until = @LeaseUntil
            FROM due
            WHERE y.team_id = due.team_id
            RETURNING y.team_id, y.last_seen_id, y.walk_after, y.walk_top
            """,
            new { Now = now, LeaseUntil = now + lease, Limit = limit, TeamId = teamId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Records where the run stopped and when the team is due again; releases the lease.</summary>
    public async Task SaveAsync(InboxSyncState state, DateTimeOffset nextRunAt, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE inbox_sync
            SET last_seen_id = @LastSeenId, walk_after = @WalkAfter, walk_top = @WalkTop,
                next_run_at = @NextRunAt, lease_until = NULL, last_error = @Error, updated_at = @Now
            WHERE team_id = @TeamId
            """,
            new { state.TeamId, state.LastSeenId, state.WalkAfter, state.WalkTop, NextRunAt = nextRunAt, Error = error, Now = now },
            cancellationToken: cancellationToken));
    }
}

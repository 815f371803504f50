using Dapper;
using Npgsql;

namespace Moosermail.Core.Inbox;

/// <summary>Where one sender key's walk of GET /emails/receiving stands in a team.</summary>
public sealed record InboxSyncState
{
    public Guid TeamId { get; init; }

    public Guid SenderId { get; init; }

    public string? LastSeenId { get; init; }

    public string? WalkAfter { get; init; }

    public string? WalkTop { get; init; }
}

/// <summary>
/// Where the backfill timer stands per team. System-level by design (the timer serves every team with a Resend key):
/// runs are leased per team with FOR UPDATE SKIP LOCKED, so two instances never walk one team's lists at once; the
/// place of each walk is kept per sender key (inbox_sync_senders).
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

    /// <summary>Leases up to <paramref name="limit"/> due teams (or just <paramref name="teamId"/>, due or not); returns their ids.</summary>
    public async Task<IReadOnlyList<Guid>> ClaimAsync(DateTimeOffset now, TimeSpan lease, int limit, Guid? teamId, CancellationToken cancellationToken)
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

        var rows = await connection.QueryAsync<Guid>(new CommandDefinition(
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
            RETURNING y.team_id
            """,
            new { Now = now, LeaseUntil = now + lease, Limit = limit, TeamId = teamId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Where each sender key's walk of the team stands (senders never walked have no entry).</summary>
    public async Task<IReadOnlyDictionary<Guid, InboxSyncState>> PositionsAsync(Guid teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<InboxSyncState>(new CommandDefinition(
            """
            SELECT team_id, sender_id, last_seen_id, walk_after, walk_top
            FROM inbox_sync_senders
            WHERE team_id = @TeamId
            """,
            new { TeamId = teamId }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.SenderId);
    }

    /// <summary>Records where one sender key's walk stopped (nothing when the sender was deleted meanwhile).</summary>
    public async Task SavePositionAsync(InboxSyncState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO inbox_sync_senders (team_id, sender_id, last_seen_id, walk_after, walk_top, updated_at)
            SELECT s.team_id, s.id, @LastSeenId, @WalkAfter, @WalkTop, @Now
            FROM senders s
            WHERE s.id = @SenderId
              AND s.team_id = @TeamId
            ON CONFLICT (team_id, sender_id) DO UPDATE
            SET last_seen_id = EXCLUDED.last_seen_id, walk_after = EXCLUDED.walk_after, walk_top = EXCLUDED.walk_top, updated_at = EXCLUDED.updated_at
            """,
            new { state.TeamId, state.SenderId, state.LastSeenId, state.WalkAfter, state.WalkTop, Now = now }, cancellationToken: cancellationToken));
    }

    /// <summary>Records when the team is due again and the run's error (if any); releases the lease.</summary>
    public async Task SaveAsync(Guid teamId, DateTimeOffset nextRunAt, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE inbox_sync
            SET next_run_at = @NextRunAt, lease_until = NULL, last_error = @Error, updated_at = @Now
            WHERE team_id = @TeamId
            """,
            new { TeamId = teamId, NextRunAt = nextRunAt, Error = error, Now = now },
            cancellationToken: cancellationToken));
    }
}

using Dapper;
using Npgsql;

namespace Moosermail.Core.Pipes;

/// <summary>
/// The pipe processor's queue. Works ACROSS TEAMS (it is the timer's view of every team's new mail): it creates the
/// (email, pipe) markers, claims due runs with FOR UPDATE SKIP LOCKED under a lease, and records outcomes. Every
/// row it touches carries its team_id, and the actions read pipes and emails through the team-scoped repositories.
/// </summary>
public sealed class PipeWorkRepository(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Creates the missing marker of each fetched email received since <paramref name="since"/> for each enabled pipe of
    /// its team created before the email (a new pipe does not rework old mail). Unique (pipe, email): creating twice,
    /// or from two instances at once, inserts once. Returns how many were created. <paramref name="teamId"/> limits it to
    /// one team's mail (the nudge after a content fetch); null is every team (the timer).
    /// </summary>
    public async Task<int> EnqueueAsync(DateTimeOffset now, DateTimeOffset since, int limit, CancellationToken cancellationToken, Guid? teamId = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO pipe_runs (id, team_id, pipe_id, received_email_id, email_seq, pipe_seq, status, attempts, next_attempt_at, created_at, updated_at)
            SELECT gen_random_uuid(), e.team_id, p.id, e.id, e.seq, p.seq, 'pending', 0, @Now, @Now, @Now
            FROM received_emails e
            JOIN pipes p
              ON p.team_id = e.team_id
             AND p.enabled
             AND p.created_at <= e.created_at
            WHERE e.content_state = 'fetched'
              AND e.created_at >= @Since
              AND (@TeamId::uuid IS NULL OR e.team_id = @TeamId)
              AND NOT EXISTS (
                  SELECT 1
                  FROM pipe_runs r
                  WHERE r.pipe_id = p.id
                    AND r.received_email_id = e.id)
            ORDER BY e.seq, p.seq
            LIMIT @Limit
            ON CONFLICT (pipe_id, received_email_id) DO NOTHING
            """,
            new { Now = now, Since = since, Limit = limit, TeamId = teamId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due runs, oldest email first and each email's pipes in creation order, by
    /// leasing them until now + <paramref name="lease"/> and counting the attempt. A run another processor holds (row
    /// locked, or leased) is skipped, so no run is claimed twice while its lease lasts. <paramref name="teamId"/> limits
    /// it to one team's runs; null is every team.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedPipeRun>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken, Guid? teamId = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ClaimedRow>(new CommandDefinition(
            """
            WITH due AS (
                SELECT id
                FROM pipe_runs
                WHERE status = 'pending'
                  AND next_attempt_at <= @Now
                  AND (lease_until IS NULL OR lease_until < @Now)
                  AND (@TeamId::uuid IS NULL OR team_id = @TeamId)
                ORDER BY email_seq, pipe_seq
                LIMIT @Limit
                FOR UPDATE SKIP LOCKED
            )
            UPDATE pipe_runs r
            SET lease_until = @LeaseUntil,
                attempts = r.attempts + 1,
                updated_at = @Now
            FROM due
            WHERE r.id = due.id
            RETURNING r.id, r.team_id, r.pipe_id, r.received_email_id, r.attempts, r.email_seq, r.pipe_seq
            """,
            new { Now = now, LeaseUntil = now + lease, Limit = limit, TeamId = teamId }, cancellationToken: cancellationToken));
        return rows.OrderBy(r => r.EmailSeq).ThenBy(r => r.PipeSeq)
            .Select(r => new ClaimedPipeRun(r.Id, r.TeamId, r.PipeId, r.ReceivedEmailId, r.Attempts)).ToList();
    }

    /// <summary>
    /// Records an attempt's outcome: final, or pending again at <paramref name="retryAt"/>. Only the holder of this
    /// attempt may write (attempts still equal), so a processor whose lease ran out cannot overwrite a newer attempt.
    /// </summary>
    public async Task CompleteAsync(ClaimedPipeRun run, PipeRunOutcome outcome, DateTimeOffset now, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE pipe_runs
            SET status = @Status,
                detail = COALESCE(@Detail, detail),
                last_error = @Error,
                next_attempt_at = COALESCE(@RetryAt, next_attempt_at),
                lease_until = NULL,
                updated_at = @Now,
                completed_at = CASE WHEN @Status = 'pending' THEN NULL ELSE @Now END
            WHERE id = @Id
              AND team_id = @TeamId
              AND attempts = @Attempts
            """,
            new
            {
                run.Id,
                run.TeamId,
                run.Attempts,
                Status = retryAt is null ? outcome.Status : PipeRunStatus.Pending,
                outcome.Detail,
                outcome.Error,
                RetryAt = retryAt,
                Now = now,
            },
            cancellationToken: cancellationToken));
    }

    private sealed record ClaimedRow
    {
        public Guid Id { get; init; }

        public Guid TeamId { get; init; }

        public Guid PipeId { get; init; }

        public Guid ReceivedEmailId { get; init; }

        public int Attempts { get; init; }

        public long EmailSeq { get; init; }

        public long PipeSeq { get; init; }
    }
}

using Dapper;
using Npgsql;

namespace Moosermail.Core.Cron;

/// <summary>
/// SYSTEM statements of the cron timer, across teams: which jobs are due, the per-slot claim, finishing and
/// retaking runs, pruning. Nothing here answers a request; the team id of each row comes from the row itself.
/// </summary>
public sealed class CronScheduleRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Enabled jobs whose next slot is at or before <paramref name="now"/>, oldest first.</summary>
    public async Task<IReadOnlyList<DueCronJob>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DueCronJob>(new CommandDefinition(
            """
            SELECT id, team_id, cron_expression, timezone, next_run_at
            FROM cron_jobs
            WHERE enabled
              AND next_run_at <= @Now
            ORDER BY next_run_at
            LIMIT @Limit
            """,
            new { Now = now, Limit = limit }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>
    /// Claims <paramref name="slot"/> of the job: one transaction inserts the run (ON CONFLICT DO NOTHING on the
    /// (job, slot) key, so of two instances exactly one inserts it), records <paramref name="skipped"/> slots, and moves
    /// next_run_at to <paramref name="next"/> if it still is the job's <see cref="DueCronJob.NextRunAt"/>. False when the slot
    /// was already claimed; next_run_at is moved on then too, so a job can never stay due on a slot that is taken.
    /// </summary>
    public async Task<bool> ClaimAsync(DueCronJob job, DateTimeOffset slot, IReadOnlyList<DateTimeOffset> skipped, int missed, DateTimeOffset? next, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO cron_runs (job_id, slot, team_id, status, missed_slots, claimed_at)
            VALUES (@JobId, @Slot, @TeamId, 'claimed', @Missed, @Now)
            ON CONFLICT (job_id, slot) DO NOTHING
            """,
            new { JobId = job.Id, Slot = slot, job.TeamId, Missed = missed, Now = now }, transaction, cancellationToken: cancellationToken)) == 1;
        if (claimed)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO cron_runs (job_id, slot, team_id, status, claimed_at, finished_at)
                SELECT @JobId, s.slot, @TeamId, 'skipped', @Now, @Now
                FROM unnest(@Slots) AS s (slot)
                ON CONFLICT (job_id, slot) DO NOTHING
                """,
                new { JobId = job.Id, job.TeamId, Slots = skipped.Select(s => s.UtcDateTime).ToArray(), Now = now },
                transaction, cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE cron_jobs
            SET next_run_at = @Next
            WHERE id = @JobId
              AND team_id = @TeamId
              AND next_run_at = @Previous
            """,
            new { JobId = job.Id, job.TeamId, Next = next, Previous = job.NextRunAt },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    /// <summary>
    /// Claims still open since before <paramref name="staleBefore"/> (an instance stopped between claim and finish):
    /// each is stamped as retaken now, by one instance only (SKIP LOCKED plus the stamp), and returned to run again.
    /// </summary>
    public async Task<IReadOnlyList<(Guid JobId, Guid TeamId, DateTimeOffset Slot)>> RetakeInterruptedAsync(DateTimeOffset now, DateTimeOffset staleBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid JobId, Guid TeamId, DateTime Slot)>(new CommandDefinition(
            """
            UPDATE cron_runs r
            SET claimed_at = @Now
            FROM (
                SELECT job_id, slot
                FROM cron_runs
                WHERE status = 'claimed'
                  AND claimed_at < @StaleBefore
                ORDER BY claimed_at
                LIMIT @Limit
                FOR UPDATE SKIP LOCKED
            ) stale
            WHERE r.job_id = stale.job_id
              AND r.slot = stale.slot
            RETURNING r.job_id, r.team_id, r.slot
            """,
            new { Now = now, StaleBefore = staleBefore, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => (r.JobId, r.TeamId, new DateTimeOffset(DateTime.SpecifyKind(r.Slot, DateTimeKind.Utc)))).ToList();
    }

    /// <summary>What the timer needs to run a slot of the job; null when the job was deleted since.</summary>
    public async Task<CronJobToRun?> GetJobToRunAsync(Guid teamId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CronJobToRun>(new CommandDefinition(
            """
            SELECT id, team_id, name, template_id, to_addresses, to_tag, variables::text AS variables_json, from_address
            FROM cron_jobs
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = jobId }, cancellationToken: cancellationToken));
    }

    /// <summary>The email ids accepted under a slot's idempotency key, or null when none were: a retaken slot that already sent.</summary>
    public async Task<Guid[]?> FindAcceptedAsync(Guid teamId, string scope, string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Guid[]?>(new CommandDefinition(
            """
            SELECT email_ids
            FROM idempotency_keys
            WHERE team_id = @TeamId
              AND scope = @Scope
              AND key = @Key
            """,
            new { TeamId = teamId, Scope = scope, Key = key }, cancellationToken: cancellationToken));
    }

    /// <summary>Records how a claimed slot ended; a slot already finished stays as it is.</summary>
    public async Task FinishAsync(Guid teamId, Guid jobId, DateTimeOffset slot, string status, IReadOnlyList<Guid> emailIds, int skippedRecipients, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE cron_runs
            SET status = @Status,
                email_ids = @EmailIds,
                skipped_recipients = @SkippedRecipients,
                error = @Error,
                finished_at = @Now
            WHERE job_id = @JobId
              AND slot = @Slot
              AND team_id = @TeamId
              AND status = 'claimed'
            """,
            new { TeamId = teamId, JobId = jobId, Slot = slot, Status = status, EmailIds = emailIds.ToArray(), SkippedRecipients = skippedRecipients, Error = error, Now = now },
            cancellationToken: cancellationToken));
    }

    /// <summary>Deletes finished runs whose slot is before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM cron_runs
            WHERE slot < @Before
              AND status <> 'claimed'
            """,
            new { Before = before }, cancellationToken: cancellationToken));
    }
}

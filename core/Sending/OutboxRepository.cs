using Dapper;
using Moosermail.Core.OutboundWebhooks;
using Npgsql;

namespace Moosermail.Core.Sending;

/// <summary>A job this instance has leased: send its emails, then complete, retry or fail it.</summary>
public sealed record ClaimedJob
{
    public Guid Id { get; init; }

    public Guid TeamId { get; init; }

    public Guid SenderId { get; init; }

    public Guid[] EmailIds { get; init; } = [];

    public int Attempts { get; init; }
}

/// <summary>
/// The outbox. System-level by design (the dispatcher serves every team): jobs are claimed with
/// FOR UPDATE SKIP LOCKED and a lease, so any number of instances share the work without sending twice.
/// </summary>
public sealed class OutboxRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Leases up to <paramref name="limit"/> due jobs (or just <paramref name="jobId"/>), marking their emails sending.</summary>
    public async Task<IReadOnlyList<ClaimedJob>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, Guid? jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var jobs = await connection.QueryAsync<ClaimedJob>(new CommandDefinition(
            """
            WITH due AS (
                SELECT id
                FROM outbox_jobs
                WHERE next_attempt_at <= @Now
                  AND (lease_until IS NULL OR lease_until < @Now)
                  AND (@JobId::uuid IS NULL OR id = @JobId)
                ORDER BY next_attempt_at
                LIMIT @Limit
                FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE outbox_jobs j
                SET attempts = j.attempts + 1, lease_until = @LeaseUntil
                FROM due
                WHERE j.id = due.id
                RETURNING j.id, j.team_id, j.sender_id, j.email_ids, j.attempts
            ), marked AS (
                UPDATE emails e
                SET status = 'sending', attempts = c.attempts, updated_at = @Now
                FROM claimed c
                WHERE e.id = ANY (c.email_ids)
                  AND e.status IN ('queued', 'scheduled', 'sending')
            )
            SELECT id, team_id, sender_id, email_ids, attempts
            FROM claimed
            """,
            new { Now = now, LeaseUntil = now + lease, Limit = limit, JobId = jobId }, cancellationToken: cancellationToken));
        return jobs.ToList();
    }

    public async Task<IReadOnlyList<(Guid Id, string Payload)>> PayloadsAsync(ClaimedJob job, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid, string)>(new CommandDefinition(
            """
            SELECT id, payload::text
            FROM emails
            WHERE team_id = @TeamId
              AND id = ANY (@Ids)
            ORDER BY array_position(@Ids, id)
            """,
            new { job.TeamId, Ids = job.EmailIds }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Resend accepted the emails: record their ids, drop attachment bytes, delete the job.</summary>
    public async Task CompleteAsync(ClaimedJob job, IReadOnlyList<(Guid EmailId, string ResendId)> sent, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (emailId, resendId) in sent)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE emails
                SET status = CASE WHEN status = 'sending' THEN 'sent' ELSE status END,
                    resend_id = @ResendId, sent_at = @Now, updated_at = @Now, last_error = NULL,
                    payload = payload - 'attachments'
                WHERE id = @EmailId
                  AND team_id = @TeamId;
                INSERT INTO email_events (email_id, team_id, type, detail, occurred_at)
                VALUES (@EmailId, @TeamId, 'sent', @ResendId, @Now);
                """,
                new { EmailId = emailId, ResendId = resendId, job.TeamId, Now = now }, transaction, cancellationToken: cancellationToken));
        }

        await DeleteJobAsync(connection, transaction, job, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A transient failure: release the lease and try again at <paramref name="nextAttemptAt"/>.</summary>
    public async Task RetryLaterAsync(ClaimedJob job, DateTimeOffset nextAttemptAt, string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE outbox_jobs
            SET lease_until = NULL, next_attempt_at = @NextAttemptAt
            WHERE id = @JobId;
            UPDATE emails
            SET status = 'queued', last_error = @Error, updated_at = @Now
            WHERE id = ANY (@EmailIds)
              AND team_id = @TeamId
              AND status = 'sending';
            INSERT INTO email_events (email_id, team_id, type, detail, occurred_at)
            SELECT id, @TeamId, 'retry_scheduled', @Error, @Now
            FROM unnest(@EmailIds) AS id;
            """,
            new { JobId = job.Id, job.TeamId, EmailIds = job.EmailIds, NextAttemptAt = nextAttemptAt, Error = error, Now = now }, cancellationToken: cancellationToken));
    }

    /// <summary>A permanent failure (or attempts exhausted): the emails fail with a readable reason.</summary>
    public async Task FailAsync(ClaimedJob job, string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE emails
            SET status = 'failed', last_error = @Error, updated_at = @Now
            WHERE id = ANY (@EmailIds)
              AND team_id = @TeamId
              AND status = 'sending';
            INSERT INTO email_events (email_id, team_id, type, detail, occurred_at)
            SELECT id, @TeamId, 'failed', @Error, @Now
            FROM unnest(@EmailIds) AS id;
            """,
            new { job.TeamId, EmailIds = job.EmailIds, Error = error, Now = now }, transaction, cancellationToken: cancellationToken));
        await RecordFailedEventsAsync(connection, transaction, job, error, now, cancellationToken);
        await DeleteJobAsync(connection, transaction, job, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>email.failed for the team's outbound webhooks, in the transaction that fails the emails.</summary>
    private static async Task RecordFailedEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ClaimedJob job, string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var failed = await connection.QueryAsync<(Guid Id, string From, string[] To, string Subject)>(new CommandDefinition(
            """
            SELECT id, from_address, to_addresses, subject
            FROM emails
            WHERE id = ANY (@EmailIds)
              AND team_id = @TeamId
              AND status = 'failed'
              AND updated_at = @Now
            """,
            new { job.TeamId, EmailIds = job.EmailIds, Now = now }, transaction, cancellationToken: cancellationToken));
        foreach (var email in failed)
        {
            var data = new { email_id = email.Id, from = email.From, to = email.To, subject = email.Subject, error };
            await OutboundEvents.RecordAsync(connection, transaction, job.TeamId, "email.failed", data, now, cancellationToken);
        }
    }

    private static Task<int> DeleteJobAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ClaimedJob job, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM outbox_jobs
            WHERE id = @JobId
            """,
            new { JobId = job.Id }, transaction, cancellationToken: cancellationToken));
}

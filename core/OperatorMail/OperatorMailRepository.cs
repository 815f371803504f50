using Dapper;
using Npgsql;

namespace Moosermail.Core.OperatorMail;

/// <summary>A queued operator mail this instance has leased; <see cref="Payload"/> is the encrypted Resend body.</summary>
public sealed record ClaimedOperatorMail(Guid Id, string Payload, int Attempts);

/// <summary>
/// The operator mail outbox. System-level by design (operator mail belongs to no team): rows are claimed
/// with FOR UPDATE SKIP LOCKED and a lease, so any number of instances share the work without sending twice.
/// </summary>
public sealed class OperatorMailRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Queues a mail on the caller's transaction, so it exists exactly when the change it announces commits.</summary>
    public static Task EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, QueuedOperatorMail mail, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO operator_mail (id, kind, to_address, payload, status, next_attempt_at, created_at, updated_at)
            VALUES (@Id, @Kind, @To, @Payload, 'queued', @Now, @Now, @Now)
            """,
            new { mail.Id, mail.Kind, mail.To, mail.Payload, Now = now }, transaction, cancellationToken: cancellationToken));

    /// <summary>Leases up to <paramref name="limit"/> due mails (or just <paramref name="id"/>).</summary>
    public async Task<IReadOnlyList<ClaimedOperatorMail>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, Guid? id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid Id, string Payload, int Attempts)>(new CommandDefinition(
            """
            WITH due AS (
                SELECT id
                FROM operator_mail
                WHERE status = 'queued'
                  AND next_attempt_at <= @Now
                  AND (lease_until IS NULL OR lease_until < @Now)
                  AND (@Id::uuid IS NULL OR id = @Id)
                ORDER BY next_attempt_at
                LIMIT @Limit
                FOR UPDATE SKIP LOCKED
            )
            UPDATE operator_mail m
            SET attempts = m.attempts + 1, lease_until = @LeaseUntil, updated_at = @Now
            FROM due
            WHERE m.id = due.id
            RETURNING m.id, m.payload, m.attempts
            """,
            new { Now = now, LeaseUntil = now + lease, Limit = limit, Id = id }, cancellationToken: cancellationToken));
        return rows.Select(r => new ClaimedOperatorMail(r.Id, r.Payload, r.Attempts)).ToList();
    }

    /// <summary>Resend accepted it: keep the id, drop the payload (it holds a single-use link).</summary>
    public async Task CompleteAsync(Guid id, string resendId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE operator_mail
            SET status = 'sent', resend_id = @ResendId, payload = NULL, lease_until = NULL, last_error = NULL, updated_at = @Now
            WHERE id = @Id
            """,
            new { Id = id, ResendId = resendId, Now = now }, cancellationToken: cancellationToken));
    }

    public async Task RetryLaterAsync(Guid id, DateTimeOffset nextAttemptAt, string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE operator_mail
            SET lease_until = NULL, next_attempt_at = @NextAttemptAt, last_error = @Error, updated_at = @Now
            WHERE id = @Id
            """,
            new { Id = id, NextAttemptAt = nextAttemptAt, Error = error, Now = now }, cancellationToken: cancellationToken));
    }

    public async Task FailAsync(Guid id, string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE operator_mail
            SET status = 'failed', payload = NULL, lease_until = NULL, last_error = @Error, updated_at = @Now
            WHERE id = @Id
            """,
            new { Id = id, Error = error, Now = now }, cancellationToken: cancellationToken));
    }
}

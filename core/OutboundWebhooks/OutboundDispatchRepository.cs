using Dapper;
using Moosermail.Core.Audit;
using Npgsql;

namespace Moosermail.Core.OutboundWebhooks;

/// <summary>A delivery this instance has leased, with what it needs to post it.</summary>
public sealed record ClaimedDelivery
{
    public Guid Id { get; init; }

    public Guid TeamId { get; init; }

    public Guid EndpointId { get; init; }

    public int Attempts { get; init; }

    public string Url { get; init; } = string.Empty;

    public bool Enabled { get; init; }

    public string EncryptedSecret { get; init; } = string.Empty;

    public string? EncryptedPreviousSecret { get; init; }

    public DateTimeOffset? PreviousSecretExpiresAt { get; init; }

    public string Payload { get; init; } = string.Empty;
}

/// <summary>A verified, folded Resend event waiting to become an email.* outbound event, with the email it names.</summary>
public sealed record FoldedResendEvent
{
    public long Id { get; init; }

    public Guid TeamId { get; init; }

    public string Type { get; init; } = string.Empty;

    public Guid? EmailId { get; init; }

    public string? ResendEmailId { get; init; }

    public string? FromAddress { get; init; }

    public string[]? ToAddresses { get; init; }

    public string? Subject { get; init; }

    public DateTimeOffset? OccurredAt { get; init; }
}

/// <summary>
/// The outbound dispatcher's work across every team, by design (like the send outbox): deliveries are claimed with
/// FOR UPDATE SKIP LOCKED and a lease, stored Resend events are fanned out once (a marker on the event row in the
/// same transaction). Every write names the team of the row it read.
/// </summary>
public sealed class OutboundDispatchRepository(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> verified, folded Resend events not yet fanned out, hands them to
    /// <paramref name="record"/> inside the transaction, and marks them: an event becomes outbound events once.
    /// </summary>
    public async Task<int> FanOutResendEventsAsync(int limit, DateTimeOffset now, Func<NpgsqlConnection, NpgsqlTransaction, FoldedResendEvent, Task> record, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var events = (await connection.QueryAsync<FoldedResendEvent>(new CommandDefinition(
            """
            WITH claimed AS (
                SELECT id, team_id, type, resend_email_id, occurred_at
                FROM webhook_events
                WHERE outbound_fanned_at IS NULL
                  AND folded_at IS NOT NULL
                  AND verified
                  AND NOT EXISTS (SELECT 1 FROM webhook_fold_queue q WHERE q.event_id = webhook_events.id)
                ORDER BY id
                LIMIT @Limit
                FOR UPDATE SKIP LOCKED
            )
            SELECT c.id, c.team_id, c.type, c.resend_email_id, c.occurred_at, m.id AS email_id, m.from_address, m.to_addresses, m.subject
            FROM claimed c
            LEFT JOIN emails m ON m.team_id = c.team_id AND m.resend_id = c.resend_email_id
            ORDER BY c.id
            """,
            new { Limit = limit }, transaction, cancellationToken: cancellationToken))).ToList();
        foreach (var resendEvent in events)
        {
            await record(connection, transaction, resendEvent);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_events
            SET outbound_fanned_at = @Now
            WHERE id = ANY (@Ids)
            """,
            new { Ids = events.Select(e => e.Id).ToArray(), Now = now }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return events.Count;
    }

    /// <summary>Leases up to <paramref name="limit"/> due deliveries (or just <paramref name="deliveryId"/>), counting the attempt.</summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, Guid? deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ClaimedDelivery>(new CommandDefinition(
            """
            WITH due AS (
                SELECT id
                FROM outbound_webhook_deliveries
                WHERE status = 'pending'
                  AND next_attempt_at <= @Now
                  AND (lease_until IS NULL OR lease_until < @Now)
                  AND (@DeliveryId::uuid IS NULL OR id = @DeliveryId)
                ORDER BY next_attempt_at
                LIMIT @Limit
                FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE outbound_webhook_deliveries d
                SET attempts = d.attempts + 1, lease_until = @LeaseUntil
                FROM due
                WHERE d.id = due.id
                RETURNING d.id, d.team_id, d.endpoint_id, d.event_id, d.attempts
            )
            SELECT c.id, c.team_id, c.endpoint_id, c.attempts, w.url, w.enabled, w.encrypted_secret, w.encrypted_previous_secret,
                   w.previous_secret_expires_at, e.payload
            FROM claimed c
            JOIN outbound_webhook_endpoints w ON w.id = c.endpoint_id AND w.team_id = c.team_id
            JOIN outbound_webhook_events e ON e.id = c.event_id AND e.team_id = c.team_id
            """,
            new { Now = now, LeaseUntil = now + lease, Limit = limit, DeliveryId = deliveryId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>
    /// Records one attempt. <paramref name="nextAttemptAt"/> null with a failure gives up. A success clears the
    /// endpoint's failure state; a failure starts it, and an endpoint failing since before <paramref name="disableBefore"/>
    /// is disabled with a reason and an audit event, in the same transaction.
    /// </summary>
    /// <returns>True when this attempt disabled the endpoint.</returns>
    public async Task<bool> RecordAttemptAsync(ClaimedDelivery delivery, bool succeeded, int? responseCode, int latencyMs, string? error, DateTimeOffset? nextAttemptAt, DateTimeOffset now, DateTimeOffset disableBefore, string disableReason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE outbound_webhook_deliveries
            SET status = CASE WHEN @Succeeded THEN 'succeeded' WHEN @NextAttemptAt::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = CASE WHEN @Succeeded THEN NULL ELSE @NextAttemptAt END,
                lease_until = NULL, last_attempt_at = @Now, last_response_code = @ResponseCode, last_latency_ms = @LatencyMs,
                last_error = @Error, delivered_at = CASE WHEN @Succeeded THEN @Now ELSE delivered_at END
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { delivery.Id, delivery.TeamId, Succeeded = succeeded, NextAttemptAt = nextAttemptAt, Now = now, ResponseCode = responseCode, LatencyMs = latencyMs, Error = error },
            transaction, cancellationToken: cancellationToken));
        var disabled = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            WITH state AS (
                UPDATE outbound_webhook_endpoints
                SET failing_since = CASE WHEN @Succeeded THEN NULL ELSE COALESCE(failing_since, @Now) END
                WHERE id = @EndpointId
                  AND team_id = @TeamId
                RETURNING failing_since, enabled
            )
            SELECT COALESCE(bool_or(enabled AND failing_since < @DisableBefore), false)
            FROM state
            """,
            new { delivery.EndpointId, delivery.TeamId, Succeeded = succeeded, Now = now, DisableBefore = disableBefore },
            transaction, cancellationToken: cancellationToken));
        if (disabled)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE outbound_webhook_endpoints
                SET enabled = false, disabled_reason = @Reason, updated_at = @Now
                WHERE id = @EndpointId
                  AND team_id = @TeamId;
                UPDATE outbound_webhook_deliveries
                SET status = 'failed', next_attempt_at = NULL, last_error = COALESCE(last_error, @Reason)
                WHERE endpoint_id = @EndpointId
                  AND team_id = @TeamId
                  AND status = 'pending'
                """,
                new { delivery.EndpointId, delivery.TeamId, Reason = disableReason, Now = now }, transaction, cancellationToken: cancellationToken));
            await AuditLog.AppendAsync(connection, transaction,
                new AuditEntry(AuditActions.OutboundWebhookDisabled, TeamId: delivery.TeamId, TargetType: "outbound_webhook", TargetId: delivery.EndpointId.ToString(), Details: new { reason = disableReason }),
                now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return disabled;
    }

    /// <summary>A delivery whose endpoint was disabled before its attempt: given up without posting.</summary>
    public async Task SkipAsync(ClaimedDelivery delivery, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE outbound_webhook_deliveries
            SET status = 'failed', next_attempt_at = NULL, lease_until = NULL, last_error = @Reason, last_attempt_at = @Now
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { delivery.Id, delivery.TeamId, Reason = reason, Now = now }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Retention (the DataRetention timer): deletes finished deliveries (succeeded or failed) whose last attempt is before
    /// <paramref name="cutoff"/>, then events older than it that no delivery points at any more, in batches of
    /// <paramref name="batch"/> so no run holds long locks. Pending deliveries and their events are kept whatever their age.
    /// </summary>
    public async Task<(int Deliveries, int Events)> PruneAsync(DateTimeOffset cutoff, int batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (deliveries, events) = (0, 0);
        int deleted;
        do
        {
            deleted = await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM outbound_webhook_deliveries
                WHERE id IN (
                    SELECT id
                    FROM outbound_webhook_deliveries
                    WHERE status <> 'pending'
                      AND COALESCE(last_attempt_at, created_at) < @Cutoff
                    LIMIT @Batch
                )
                """,
                new { Cutoff = cutoff, Batch = batch }, cancellationToken: cancellationToken));
            deliveries += deleted;
        }
        while (deleted == batch);

        do
        {
            deleted = await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM outbound_webhook_events
                WHERE id IN (
                    SELECT e.id
                    FROM outbound_webhook_events e
                    WHERE e.created_at < @Cutoff
                      AND NOT EXISTS (SELECT 1 FROM outbound_webhook_deliveries d WHERE d.event_id = e.id)
                    LIMIT @Batch
                )
                """,
                new { Cutoff = cutoff, Batch = batch }, cancellationToken: cancellationToken));
            events += deleted;
        }
        while (deleted == batch);

        return (deliveries, events);
    }
}

using Dapper;
using Npgsql;

namespace Moosermail.Core.Webhooks;

/// <summary>A stored, verified, not yet folded webhook, as the fold sees it.</summary>
public sealed record PendingWebhookEvent
{
    public long Id { get; init; }

    public Guid TeamId { get; init; }

    public string ResendEmailId { get; init; } = string.Empty;

    public string Payload { get; init; } = string.Empty;

    public DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>What folding one event does to its email (decided by <see cref="DeliveryEventFolder"/>).</summary>
public sealed record FoldDecision(
    string Status, int Opened, int Clicked, string TimelineType, string? TimelineDetail, DateTimeOffset OccurredAt, IReadOnlyList<string> Suppress, string? SuppressReason);

/// <summary>An email in 'sent' for a while with no final event: the reconcile timer asks Resend about it.</summary>
public sealed record StuckEmail
{
    public Guid Id { get; init; }

    public Guid TeamId { get; init; }

    public Guid SenderId { get; init; }

    public string ResendId { get; init; } = string.Empty;
}

/// <summary>
/// Applies delivery events to emails. System-level (webhooks and the timer serve every team), but every statement
/// on an email carries the team of the event, so an event can only ever touch its own team's emails.
/// </summary>
public sealed class DeliveryStatusRepository(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Folds one stored event into the email of its team with the same Resend id, in one transaction. Idempotent: the
    /// event row is locked and marked folded, so a second folder (the timer, a retry) finds nothing to do. Returns
    /// false when the event is already folded, not verified, or its email is not known (yet).
    /// </summary>
    public async Task<bool> FoldAsync(long eventId, Func<PendingWebhookEvent, string, FoldDecision?> decide, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var pending = await connection.QuerySingleOrDefaultAsync<PendingWebhookEvent>(new CommandDefinition(
            """
            SELECT id, team_id, resend_email_id, payload::text AS payload, received_at
            FROM webhook_events
            WHERE id = @EventId
              AND folded_at IS NULL
              AND verified
              AND resend_email_id IS NOT NULL
            FOR UPDATE
            """,
            new { EventId = eventId }, transaction, cancellationToken: cancellationToken));
        if (pending is null)
        {
            return false;
        }

        var email = await connection.QuerySingleOrDefaultAsync<EmailStatusRow>(new CommandDefinition(
            """
            SELECT id, status
            FROM emails
            WHERE team_id = @TeamId
              AND resend_id = @ResendId
            FOR UPDATE
            """,
            new { pending.TeamId, ResendId = pending.ResendEmailId }, transaction, cancellationToken: cancellationToken));
        if (email is not { } found)
        {
            return false;
        }

        if (decide(pending, found.Status) is { } decision)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE emails
                SET status = @Status, opened_count = opened_count + @Opened, clicked_count = clicked_count + @Clicked, updated_at = @Now
                WHERE id = @EmailId
                  AND team_id = @TeamId;
                INSERT INTO email_events (email_id, team_id, type, detail, occurred_at)
                VALUES (@EmailId, @TeamId, @TimelineType, @TimelineDetail, @OccurredAt);
                INSERT INTO suppressions (team_id, address, reason, detail, email_id, created_at)
                SELECT @TeamId, address, @SuppressReason::text, @TimelineDetail::text, @EmailId, @Now
                FROM unnest(@Suppress) AS address
                ON CONFLICT (team_id, address) DO NOTHING;
                """,
                new
                {
                    EmailId = found.Id,
                    pending.TeamId,
                    decision.Status,
                    decision.Opened,
                    decision.Clicked,
                    decision.TimelineType,
                    decision.TimelineDetail,
                    decision.OccurredAt,
                    Suppress = decision.Suppress.ToArray(),
                    decision.SuppressReason,
                    Now = now,
                },
                transaction, cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_events
            SET folded_at = @Now
            WHERE id = @EventId
            """,
            new { EventId = eventId, Now = now }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Emails sent before <paramref name="sentBefore"/> (and after <paramref name="notBefore"/>) still in 'sent', not checked since <paramref name="checkedBefore"/>.</summary>
    public async Task<IReadOnlyList<StuckEmail>> ListStuckAsync(DateTimeOffset sentBefore, DateTimeOffset notBefore, DateTimeOffset checkedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<StuckEmail>(new CommandDefinition(
            """
            SELECT id, team_id, sender_id, resend_id
            FROM emails
            WHERE status = 'sent'
              AND resend_id IS NOT NULL
              AND sender_id IS NOT NULL
              AND sent_at < @SentBefore
              AND sent_at >= @NotBefore
              AND (delivery_checked_at IS NULL OR delivery_checked_at < @CheckedBefore)
            ORDER BY sent_at
            LIMIT @Limit
            """,
            new { SentBefore = sentBefore, NotBefore = notBefore, CheckedBefore = checkedBefore, Limit = limit }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Records Resend's last_event for a stuck email, moving its status only forward (see <see cref="EmailStatusRules"/>).</summary>
    public async Task ApplyReconciledAsync(StuckEmail email, string? lastEvent, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            """
            SELECT status
            FROM emails
            WHERE id = @Id
              AND team_id = @TeamId
            FOR UPDATE
            """,
            new { email.Id, email.TeamId }, transaction, cancellationToken: cancellationToken));
        if (current is null)
        {
            return;
        }

        var next = EmailStatusRules.Next(current, lastEvent);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE emails
            SET status = @Next, delivery_checked_at = @Now, updated_at = CASE WHEN status = @Next THEN updated_at ELSE @Now END
            WHERE id = @Id
              AND team_id = @TeamId;
            INSERT INTO email_events (email_id, team_id, type, detail, occurred_at)
            SELECT @Id, @TeamId, 'reconciled', @Detail, @Now
            WHERE @Next <> @Current;
            """,
            new { email.Id, email.TeamId, Next = next, Current = current, Detail = $"Resend last_event: {lastEvent}", Now = now }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private sealed record EmailStatusRow
    {
        public Guid Id { get; init; }

        public string Status { get; init; } = string.Empty;
    }
}

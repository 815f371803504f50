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

/// <summary>An event stored just now, with the fold its payload stands for: what <see cref="WebhookFoldWorker"/> folds.</summary>
public sealed record StoredFold(long EventId, Guid TeamId, string ResendEmailId, FoldPlan Plan, DateTimeOffset Now);

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
    /// The parameters of the fold for <paramref name="plan"/> (all present, defaults when there is no plan). The CTEs of
    /// <see cref="FoldAsync"/> (and, set-based, of <see cref="FoldBatchAsync"/>) fold into
    /// the email of the CTE <c>email</c> only when the CTE <c>gate</c> returned a row (the event was stored now, or
    /// claimed now); the UPDATE locks the email and moves its status by email_status_rank (migration 0120) from the
    /// row as it is then, so concurrent folds of one email stay monotonic.
    /// </summary>
    internal static Dictionary<string, object?> FoldParameters(Guid teamId, FoldPlan? plan, DateTimeOffset now) => new()
    {
        ["TeamId"] = teamId,
        ["Fold"] = plan is not null,
        ["Status"] = plan?.Status,
        ["Opened"] = plan?.Opened ?? 0,
        ["Clicked"] = plan?.Clicked ?? 0,
        ["TimelineType"] = plan?.TimelineType ?? string.Empty,
        ["TimelineDetail"] = plan?.TimelineDetail,
        ["OccurredAt"] = plan?.OccurredAt ?? now,
        ["Suppress"] = plan?.Suppress.ToArray() ?? [],
        ["SuppressReason"] = plan?.SuppressReason,
        ["Now"] = now,
    };

    /// <summary>
    /// Folds one stored event into the email of its team with the same Resend id: one read of the event, then one
    /// statement that claims it (marks it folded while it is not yet) and folds it, so a second folder (the timer, a
    /// retry) finds nothing to do. Returns false when the event is already folded, not verified, or its email is
    /// not known (yet).
    /// </summary>
    public async Task<bool> FoldAsync(long eventId, Func<string, DateTimeOffset, FoldPlan?> plan, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var pending = await connection.QuerySingleOrDefaultAsync<PendingWebhookEvent>(new CommandDefinition(
            """
            SELECT id, team_id, resend_email_id, payload::text AS payload, received_at
            FROM webhook_events
            WHERE id = @EventId
              AND folded_at IS NULL
              AND verified
              AND resend_email_id IS NOT NULL
            """,
            new { EventId = eventId }, cancellationToken: cancellationToken));
        if (pending is null)
        {
            return false;
        }

        var parameters = FoldParameters(pending.TeamId, plan(pending.Payload, pending.ReceivedAt), now);
        parameters["EventId"] = eventId;
        parameters["ResendId"] = pending.ResendEmailId;
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            WITH email AS (
                SELECT id
                FROM emails
                WHERE team_id = @TeamId
                  AND resend_id = @ResendId
            ),
            gate AS (
                UPDATE webhook_events
                SET folded_at = @Now
                WHERE id = @EventId
                  AND team_id = @TeamId
                  AND folded_at IS NULL
                  AND EXISTS (SELECT 1 FROM email)
                RETURNING id
            ),
            folded AS (
                UPDATE emails e
                SET status = CASE
                        WHEN email_status_rank(e.status) < 100 AND CAST(@Status AS text) IS NOT NULL
                             AND email_status_rank(@Status) > email_status_rank(e.status)
                        THEN @Status
                        ELSE e.status
                    END,
                    opened_count = e.opened_count + @Opened,
                    clicked_count = e.clicked_count + @Clicked,
                    updated_at = @Now
                FROM gate, email
                WHERE e.id = email.id
                  AND e.team_id = @TeamId
                  AND @Fold
                RETURNING e.id
            ),
            timeline AS (
                INSERT INTO email_events (email_id, team_id, type, detail, occurred_at)
                SELECT folded.id, @TeamId, @TimelineType, @TimelineDetail, @OccurredAt
                FROM folded
            ),
            suppressed AS (
                INSERT INTO suppressions (team_id, address, reason, detail, email_id, created_at)
                SELECT @TeamId, address, CAST(@SuppressReason AS text), CAST(@TimelineDetail AS text), folded.id, @Now
                FROM folded, unnest(CAST(@Suppress AS text[])) AS address
                ON CONFLICT (team_id, address) DO NOTHING
            )
            SELECT EXISTS (SELECT 1 FROM gate)
            """,
            new DynamicParameters(parameters), cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Folds a batch of queued events (webhook_fold_queue, migration 0150) in ONE statement, each into the email of its
    /// team with its Resend id. An event is folded only by whoever deletes its queue row, so a second folder finds
    /// nothing to do; one whose email is not known yet gets folded_at NULL and is left to the reconcile timer. Events of
    /// one email fold together: counts add up and the status moves to the highest rank among them (ties: the first in
    /// the batch), the order-independent outcome of folding them one by one. The emails are locked in id order, so two
    /// batches (or a batch and a single fold) cannot deadlock. Returns how many events were folded into an email.
    /// </summary>
    public async Task<int> FoldBatchAsync(IReadOnlyList<StoredFold> batch, CancellationToken cancellationToken)
    {
        var suppressed = batch.SelectMany((item, ord) => item.Plan.Suppress.Select(address => (Ord: ord, Address: address))).ToList();
        var parameters = new
        {
            Ord = Enumerable.Range(0, batch.Count).ToArray(),
            EventId = batch.Select(i => i.EventId).ToArray(),
            TeamId = batch.Select(i => i.TeamId).ToArray(),
            ResendEmailId = batch.Select(i => i.ResendEmailId).ToArray(),
            Now = batch.Select(i => i.Now).ToArray(),
            Status = batch.Select(i => i.Plan.Status).ToArray(),
            Opened = batch.Select(i => i.Plan.Opened).ToArray(),
            Clicked = batch.Select(i => i.Plan.Clicked).ToArray(),
            TimelineType = batch.Select(i => i.Plan.TimelineType).ToArray(),
            TimelineDetail = batch.Select(i => i.Plan.TimelineDetail).ToArray(),
            OccurredAt = batch.Select(i => i.Plan.OccurredAt).ToArray(),
            SuppressReason = batch.Select(i => i.Plan.SuppressReason).ToArray(),
            SuppressOrd = suppressed.Select(s => s.Ord).ToArray(),
            SuppressAddress = suppressed.Select(s => s.Address).ToArray(),
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            WITH input AS MATERIALIZED (
                SELECT *
                FROM unnest(CAST(@Ord AS int[]), CAST(@EventId AS bigint[]), CAST(@TeamId AS uuid[]), CAST(@ResendEmailId AS text[]),
                            CAST(@Now AS timestamptz[]), CAST(@Status AS text[]), CAST(@Opened AS int[]), CAST(@Clicked AS int[]),
                            CAST(@TimelineType AS text[]), CAST(@TimelineDetail AS text[]), CAST(@OccurredAt AS timestamptz[]),
                            CAST(@SuppressReason AS text[]))
                     AS i(ord, event_id, team_id, resend_email_id, now, status, opened, clicked, timeline_type, timeline_detail, occurred_at,
                          suppress_reason)
            ),
            claimed AS MATERIALIZED (
                DELETE FROM webhook_fold_queue
                WHERE event_id = ANY (CAST(@EventId AS bigint[]))
                RETURNING event_id
            ),
            target AS MATERIALIZED (
                SELECT i.*, e.id AS email_id
                FROM input i
                JOIN claimed c ON c.event_id = i.event_id
                LEFT JOIN emails e ON e.team_id = i.team_id AND e.resend_id = i.resend_email_id
            ),
            unknown AS (
                UPDATE webhook_events
                SET folded_at = NULL
                WHERE id = ANY (ARRAY(SELECT event_id FROM target WHERE email_id IS NULL))
            ),
            stored AS MATERIALIZED (
                SELECT *
                FROM target
                WHERE email_id IS NOT NULL
            ),
            locked AS MATERIALIZED (
                SELECT e.id
                FROM emails e
                WHERE e.id IN (SELECT email_id FROM stored)
                ORDER BY e.id
                FOR UPDATE
            ),
            agg AS (
                SELECT s.email_id, s.team_id,
                       (array_agg(s.status ORDER BY email_status_rank(s.status) DESC, s.ord) FILTER (WHERE s.status IS NOT NULL))[1] AS status,
                       sum(s.opened) AS opened, sum(s.clicked) AS clicked, max(s.now) AS now
                FROM stored s
                GROUP BY s.email_id, s.team_id
            ),
            folded AS (
                UPDATE emails e
                SET status = CASE
                        WHEN email_status_rank(e.status) < 100 AND agg.status IS NOT NULL
                             AND email_status_rank(agg.status) > email_status_rank(e.status)
                        THEN agg.status
                        ELSE e.status
                    END,
                    opened_count = e.opened_count + agg.opened,
                    clicked_count = e.clicked_count + agg.clicked,
                    updated_at = agg.now
                FROM agg
                WHERE e.id = agg.email_id
                  AND e.team_id = agg.team_id
                  AND e.id IN (SELECT id FROM locked)
                RETURNING e.id
            ),
            timeline AS (
                INSERT INTO email_events (email_id, team_id, type, detail, occurred_at)
                SELECT s.email_id, s.team_id, s.timeline_type, s.timeline_detail, s.occurred_at
                FROM stored s
                WHERE s.email_id IN (SELECT id FROM folded)
                ORDER BY s.ord
            ),
            suppressed AS (
                INSERT INTO suppressions (team_id, address, reason, detail, email_id, created_at)
                SELECT s.team_id, x.address, s.suppress_reason, s.timeline_detail, s.email_id, s.now
                FROM stored s
                JOIN unnest(CAST(@SuppressOrd AS int[]), CAST(@SuppressAddress AS text[])) AS x(ord, address) ON x.ord = s.ord
                WHERE s.email_id IN (SELECT id FROM folded)
                ORDER BY s.ord
                ON CONFLICT (team_id, address) DO NOTHING
            )
            SELECT count(*) FROM stored
            """,
            parameters, cancellationToken: cancellationToken));
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

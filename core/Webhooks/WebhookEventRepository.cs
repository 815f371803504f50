using Dapper;
using Npgsql;

namespace Moosermail.Core.Webhooks;

/// <summary>A webhook about to be stored, exactly as verified (or not).</summary>
public sealed record NewWebhookEvent(Guid TeamId, Guid EndpointId, string SvixId, string Type, bool Verified, string? ResendEmailId, DateTimeOffset? OccurredAt, string Payload);

/// <summary>What storing one webhook did: <see cref="Admitted"/> false when an unverified endpoint's daily cap refused it; <see cref="EventId"/> null for a duplicate.</summary>
public sealed record StoreResult
{
    public bool Admitted { get; init; }

    public long? EventId { get; init; }
}

/// <summary>The raw store of incoming webhooks, de-duplicated on (endpoint, svix-id) by a unique index.</summary>
public sealed class WebhookEventRepository(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Stores the event and, when <paramref name="fold"/> is given and its email is known, folds it — in ONE
    /// statement (one round trip, atomic, no explicit transaction):
    /// <list type="bullet">
    /// <item>an unverified event first counts against its endpoint's day (<paramref name="unverifiedCap"/>); over the
    /// cap nothing is stored;</item>
    /// <item>the insert de-duplicates on (endpoint, svix-id) by the unique index, so a concurrent copy waits for the
    /// first and stores (and folds) nothing;</item>
    /// <item>the event is stored already marked folded when its email exists, and the fold CTEs (the same as
    /// <see cref="DeliveryStatusRepository.FoldAsync"/>'s) run only for a row stored now; an event whose email is not
    /// known yet stays unfolded for the reconcile timer.</item>
    /// </list>
    /// </summary>
    public async Task<StoreResult> StoreAsync(NewWebhookEvent evt, FoldPlan? fold, int unverifiedCap, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = DeliveryStatusRepository.FoldParameters(evt.TeamId, fold, now);
        parameters["EndpointId"] = evt.EndpointId;
        parameters["SvixId"] = evt.SvixId;
        parameters["Type"] = evt.Type;
        parameters["Verified"] = evt.Verified;
        parameters["ResendEmailId"] = evt.ResendEmailId;
        parameters["EventOccurredAt"] = evt.OccurredAt;
        parameters["Payload"] = evt.Payload;
        parameters["Day"] = DateOnly.FromDateTime(now.UtcDateTime);
        parameters["Cap"] = unverifiedCap;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<StoreResult>(new CommandDefinition(
            """
            WITH counted AS (
                INSERT INTO webhook_unverified_days (endpoint_id, day, events)
                SELECT @EndpointId, @Day, 1
                WHERE NOT @Verified
                ON CONFLICT (endpoint_id, day) DO UPDATE
                SET events = webhook_unverified_days.events + 1
                WHERE webhook_unverified_days.events < @Cap
                RETURNING events
            ),
            email AS (
                SELECT id
                FROM emails
                WHERE @Fold
                  AND team_id = @TeamId
                  AND resend_id = @ResendEmailId
            ),
            gate AS (
                INSERT INTO webhook_events (team_id, endpoint_id, svix_id, type, verified, resend_email_id, occurred_at, payload, received_at, folded_at)
                SELECT @TeamId, @EndpointId, @SvixId, @Type, @Verified, @ResendEmailId, @EventOccurredAt, CAST(@Payload AS jsonb), @Now,
                       (SELECT @Now FROM email)
                WHERE @Verified OR EXISTS (SELECT 1 FROM counted)
                ON CONFLICT (endpoint_id, svix_id) DO NOTHING
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
            SELECT (@Verified OR EXISTS (SELECT 1 FROM counted)) AS admitted, (SELECT id FROM gate) AS event_id
            """,
            new DynamicParameters(parameters), cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Verified events received since <paramref name="since"/> that are not folded yet although their team now has an
    /// email with that Resend id: the ones that arrived before the send recorded resend_id.
    /// </summary>
    public async Task<IReadOnlyList<long>> ListFoldableAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ids = await connection.QueryAsync<long>(new CommandDefinition(
            """
            SELECT w.id
            FROM webhook_events w
            WHERE w.folded_at IS NULL
              AND w.verified
              AND w.resend_email_id IS NOT NULL
              AND w.received_at >= @Since
              AND EXISTS (SELECT 1 FROM emails e WHERE e.team_id = w.team_id AND e.resend_id = w.resend_email_id)
            ORDER BY w.id
            LIMIT @Limit
            """,
            new { Since = since, Limit = limit }, cancellationToken: cancellationToken));
        return ids.ToList();
    }
}

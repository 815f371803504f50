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

    /// <summary>False when the endpoint changed since it was read (a secret set, the URL rotated): nothing was stored.</summary>
    public bool EndpointCurrent { get; init; }
}

/// <summary>A verified event waiting to be stored: the endpoint it was verified with, its fold (done after it is stored), and the time it arrived.</summary>
public sealed record VerifiedWebhookEvent(NewWebhookEvent Event, WebhookEndpoint Endpoint, FoldPlan? Fold, DateTimeOffset Now);

/// <summary>What storing one event of a batch did: <see cref="EventId"/> null for a duplicate; <see cref="EndpointCurrent"/> false when the endpoint no longer has the id, team or secret the event was checked with (nothing stored).</summary>
public readonly record struct BatchStoreResult(long? EventId, bool EndpointCurrent);

/// <summary>The raw store of incoming webhooks, de-duplicated on (endpoint, svix-id) by a unique index.</summary>
public sealed class WebhookEventRepository(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Stores an UNVERIFIED event (kept for the record, folded never) in one statement, only while its endpoint still
    /// has no signing secret (and this public id and team): it first counts against its endpoint's day (<paramref name="unverifiedCap"/>), and over the cap nothing is stored; the insert de-duplicates on
    /// (endpoint, svix-id) by the unique index.
    /// </summary>
    public async Task<StoreResult> StoreUnverifiedAsync(NewWebhookEvent evt, string publicId, int unverifiedCap, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<StoreResult>(new CommandDefinition(
            """
            WITH current_endpoint AS (
                SELECT id
                FROM webhook_endpoints
                WHERE id = @EndpointId
                  AND team_id = @TeamId
                  AND public_id = @PublicId
                  AND encrypted_signing_secret IS NULL
            ),
            counted AS (
                INSERT INTO webhook_unverified_days (endpoint_id, day, events)
                SELECT @EndpointId, @Day, 1
                WHERE EXISTS (SELECT 1 FROM current_endpoint)
                ON CONFLICT (endpoint_id, day) DO UPDATE
                SET events = webhook_unverified_days.events + 1
                WHERE webhook_unverified_days.events < @Cap
                RETURNING events
            ),
            gate AS (
                INSERT INTO webhook_events (team_id, endpoint_id, svix_id, type, verified, resend_email_id, occurred_at, payload, received_at)
                SELECT @TeamId, @EndpointId, @SvixId, @Type, FALSE, @ResendEmailId, @OccurredAt, CAST(@Payload AS jsonb), @Now
                WHERE EXISTS (SELECT 1 FROM counted)
                ON CONFLICT (endpoint_id, svix_id) DO NOTHING
                RETURNING id
            )
            SELECT EXISTS (SELECT 1 FROM counted) AS admitted, (SELECT id FROM gate) AS event_id,
                   EXISTS (SELECT 1 FROM current_endpoint) AS endpoint_current
            """,
            new { PublicId = publicId, evt.TeamId, evt.EndpointId, evt.SvixId, evt.Type, evt.ResendEmailId, evt.OccurredAt, evt.Payload, Now = now, Day = DateOnly.FromDateTime(now.UtcDateTime), Cap = unverifiedCap },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Stores a batch of VERIFIED events in ONE statement (see <see cref="WebhookStoreBatcher"/>): de-duplicated on
    /// (endpoint, svix-id) by the unique index, each stored only while its endpoint still has the id, team, public id
    /// and signing secret it was verified with (<see cref="WebhookEndpointCache"/> may have served an old copy). An
    /// event with a fold is queued for <see cref="WebhookFoldWorker"/> in webhook_fold_queue (migration 0150) and stored
    /// with folded_at already set, which the worker (or the reconcile timer) makes true. An event no
    /// outbound webhook of its team subscribes to is stored as already fanned out, so the outbound dispatcher never
    /// has to look at it. The batch must hold no two events with the same (endpoint, svix-id).
    /// Returns, per item in order, the stored event's id (null for a duplicate) and whether its endpoint was current.
    /// </summary>
    public async Task<IReadOnlyList<BatchStoreResult>> StoreVerifiedAsync(IReadOnlyList<VerifiedWebhookEvent> batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await StoreVerifiedAsync(connection, batch, cancellationToken);
    }

    /// <summary>A connection for a caller that keeps it across statements (<see cref="WebhookStoreBatcher"/>'s writers).</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken) => await dataSource.OpenConnectionAsync(cancellationToken);

    /// <inheritdoc cref="StoreVerifiedAsync(IReadOnlyList{VerifiedWebhookEvent}, CancellationToken)"/>
    /// <remarks>
    /// The hottest statement of the app, so it is the one written with Npgsql's positional parameters instead of Dapper:
    /// Npgsql then sends the text as it is, where named parameters cost a parse of the whole statement per execution
    /// (the largest single item in the app's profile under webhook load).
    /// </remarks>
    public static async Task<IReadOnlyList<BatchStoreResult>> StoreVerifiedAsync(NpgsqlConnection connection, IReadOnlyList<VerifiedWebhookEvent> batch, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(StoreVerifiedSql, connection)
        {
            Parameters =
            {
                new() { Value = Enumerable.Range(0, batch.Count).ToArray() },
                new() { Value = batch.Select(i => i.Event.TeamId).ToArray() },
                new() { Value = batch.Select(i => i.Event.EndpointId).ToArray() },
                new() { Value = batch.Select(i => i.Event.SvixId).ToArray() },
                new() { Value = batch.Select(i => i.Event.Type).ToArray() },
                new() { Value = batch.Select(i => i.Event.ResendEmailId).ToArray() },
                new() { Value = batch.Select(i => i.Event.OccurredAt).ToArray() },
                new() { Value = batch.Select(i => i.Event.Payload).ToArray() },
                new() { Value = batch.Select(i => i.Now).ToArray() },
                new() { Value = batch.Select(i => i.Endpoint.PublicId).ToArray() },
                new() { Value = batch.Select(i => i.Endpoint.EncryptedSigningSecret).ToArray() },
                new() { Value = batch.Select(i => i.Fold is not null && i.Event.ResendEmailId is not null).ToArray() },
            },
        };
        var results = new BatchStoreResult[batch.Count];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results[reader.GetInt32(0)] = new BatchStoreResult(reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetBoolean(2));
        }

        return results;
    }

    private const string StoreVerifiedSql =
        """
        WITH input AS MATERIALIZED (
            SELECT *
            FROM unnest(CAST($1 AS int[]), CAST($2 AS uuid[]), CAST($3 AS uuid[]), CAST($4 AS text[]), CAST($5 AS text[]),
                        CAST($6 AS text[]), CAST($7 AS timestamptz[]), CAST($8 AS text[]), CAST($9 AS timestamptz[]), CAST($10 AS text[]),
                        CAST($11 AS text[]), CAST($12 AS boolean[]))
                 AS i(ord, team_id, endpoint_id, svix_id, type, resend_email_id, event_occurred_at, payload, now, public_id, signing_secret, fold)
        ),
        current_endpoint AS MATERIALIZED (
            SELECT i.ord
            FROM input i
            JOIN webhook_endpoints w ON w.id = i.endpoint_id AND w.team_id = i.team_id AND w.public_id = i.public_id
                                    AND w.encrypted_signing_secret = i.signing_secret
        ),
        gate AS (
            INSERT INTO webhook_events (team_id, endpoint_id, svix_id, type, verified, resend_email_id, occurred_at, payload, received_at,
                                        folded_at, outbound_fanned_at)
            SELECT i.team_id, i.endpoint_id, i.svix_id, i.type, TRUE, i.resend_email_id, i.event_occurred_at, CAST(i.payload AS jsonb), i.now,
                   CASE WHEN i.fold THEN i.now END,
                   CASE WHEN NOT EXISTS (SELECT 1 FROM outbound_webhook_endpoints o WHERE o.team_id = i.team_id AND o.enabled AND i.type = ANY (o.events))
                        THEN i.now END
            FROM input i
            WHERE i.ord IN (SELECT ord FROM current_endpoint)
            ORDER BY i.ord
            ON CONFLICT (endpoint_id, svix_id) DO NOTHING
            RETURNING id, endpoint_id, svix_id
        ),
        queued AS (
            INSERT INTO webhook_fold_queue (event_id, queued_at)
            SELECT gate.id, i.now
            FROM gate
            JOIN input i ON i.endpoint_id = gate.endpoint_id AND i.svix_id = gate.svix_id
            WHERE i.fold
        )
        SELECT i.ord, gate.id AS event_id, i.ord IN (SELECT ord FROM current_endpoint) AS endpoint_current
        FROM input i
        LEFT JOIN gate ON gate.endpoint_id = i.endpoint_id AND gate.svix_id = i.svix_id
        ORDER BY i.ord
        """;

    /// <summary>
    /// Takes queued folds back from the worker and leaves them to the reconcile timer's one-by-one fold (folded_at
    /// NULL): those queued before <paramref name="queuedBefore"/> (their instance stopped before folding them), and the
    /// given events (a batch that failed). An event the worker claimed meanwhile is not taken back: each queued fold
    /// is done exactly once, by whichever deletes its queue row.
    /// </summary>
    public async Task<int> ReleaseQueuedFoldsAsync(DateTimeOffset queuedBefore, IReadOnlyList<long> eventIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            WITH released AS (
                DELETE FROM webhook_fold_queue
                WHERE queued_at < @QueuedBefore
                   OR event_id = ANY (CAST(@EventIds AS bigint[]))
                RETURNING event_id
            )
            UPDATE webhook_events
            SET folded_at = NULL
            WHERE id IN (SELECT event_id FROM released)
            """,
            new { QueuedBefore = queuedBefore, EventIds = eventIds.ToArray() }, cancellationToken: cancellationToken));
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

using Dapper;
using Npgsql;

namespace Moosermail.Core.Webhooks;

/// <summary>A webhook about to be stored, exactly as verified (or not).</summary>
public sealed record NewWebhookEvent(Guid TeamId, Guid EndpointId, string SvixId, string Type, bool Verified, string? ResendEmailId, DateTimeOffset? OccurredAt, string Payload);

/// <summary>The raw store of incoming webhooks, de-duplicated on (endpoint, svix-id) by a unique index.</summary>
public sealed class WebhookEventRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Stores the event; returns its row id, or null when this svix-id was already stored for the endpoint.</summary>
    public async Task<long?> InsertAsync(NewWebhookEvent evt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            INSERT INTO webhook_events (team_id, endpoint_id, svix_id, type, verified, resend_email_id, occurred_at, payload, received_at)
            VALUES (@TeamId, @EndpointId, @SvixId, @Type, @Verified, @ResendEmailId, @OccurredAt, @Payload::jsonb, @Now)
            ON CONFLICT (endpoint_id, svix_id) DO NOTHING
            RETURNING id
            """,
            new { evt.TeamId, evt.EndpointId, evt.SvixId, evt.Type, evt.Verified, evt.ResendEmailId, evt.OccurredAt, evt.Payload, Now = now },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Counts one more event for an unverified endpoint's UTC day, only while under <paramref name="cap"/>; false
    /// (and nothing counted) once the day's allowance is used.
    /// </summary>
    public async Task<bool> TryCountUnverifiedAsync(Guid endpointId, DateOnly day, int cap, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            """
            INSERT INTO webhook_unverified_days (endpoint_id, day, events)
            VALUES (@EndpointId, @Day, 1)
            ON CONFLICT (endpoint_id, day) DO UPDATE
            SET events = webhook_unverified_days.events + 1
            WHERE webhook_unverified_days.events < @Cap
            RETURNING events
            """,
            new { EndpointId = endpointId, Day = day, Cap = cap }, cancellationToken: cancellationToken)) is not null;
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

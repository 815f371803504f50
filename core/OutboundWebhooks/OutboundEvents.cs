using System.Text.Json;
using Dapper;
using Moosermail.Core.Sending;
using Npgsql;

namespace Moosermail.Core.OutboundWebhooks;

/// <summary>
/// Records an event for the team's outbound webhooks. Call <see cref="RecordAsync"/> inside the transaction of the
/// change (like AuditLog), so the event exists exactly when the change does. It writes nothing unless an enabled
/// endpoint of the team subscribes to the type, so teams without outbound webhooks pay one indexed read.
/// </summary>
public static class OutboundEvents
{
    /// <summary>The body every endpoint receives: <c>{type, created_at, data}</c>, snake_case like the rest of the API.</summary>
    public static string Payload(string type, DateTimeOffset createdAt, object data) =>
        JsonSerializer.Serialize(new { type, created_at = createdAt, data }, ApiJson.Options);

    /// <returns>How many deliveries were queued (0 when no endpoint subscribes).</returns>
    public static Task<int> RecordAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid teamId, string type, object data, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            WITH subscribed AS (
                SELECT id
                FROM outbound_webhook_endpoints
                WHERE team_id = @TeamId
                  AND enabled
                  AND @Type = ANY (events)
            ), event AS (
                INSERT INTO outbound_webhook_events (id, team_id, type, payload, created_at)
                SELECT @EventId, @TeamId, @Type, @Payload, @Now
                WHERE EXISTS (SELECT 1 FROM subscribed)
                RETURNING id
            )
            INSERT INTO outbound_webhook_deliveries (id, team_id, endpoint_id, event_id, status, next_attempt_at, created_at)
            SELECT gen_random_uuid(), @TeamId, s.id, e.id, 'pending', @Now, @Now
            FROM subscribed s
            CROSS JOIN event e
            """,
            new { TeamId = teamId, Type = type, EventId = Guid.CreateVersion7(now), Payload = Payload(type, now, data), Now = now },
            transaction, cancellationToken: cancellationToken));
}

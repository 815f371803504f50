using Dapper;
using Moosermail.Core.Audit;
using Npgsql;

namespace Moosermail.Core.OutboundWebhooks;

/// <summary>A team's outbound webhook endpoints and their delivery log. Every statement filters on team_id: null / false means missing or another team's.</summary>
public sealed class OutboundWebhookRepository(NpgsqlDataSource dataSource)
{
    /// <returns>Null when the team already has <see cref="OutboundWebhookRules.MaxEndpointsPerTeam"/> endpoints.</returns>
    public async Task<OutboundWebhook?> InsertAsync(Guid teamId, OutboundWebhook webhook, string encryptedSecret, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var created = await connection.QuerySingleOrDefaultAsync<OutboundWebhook>(new CommandDefinition(
            """
            INSERT INTO outbound_webhook_endpoints (id, team_id, url, events, description, enabled, encrypted_secret, created_at, updated_at)
            SELECT @Id, @TeamId, @Url, @Events, @Description, @Enabled, @Secret, @CreatedAt, @CreatedAt
            WHERE (SELECT count(*) FROM outbound_webhook_endpoints WHERE team_id = @TeamId) < @Max
            RETURNING id, url, events, description, enabled, disabled_reason, failing_since, previous_secret_expires_at, created_at, updated_at
            """,
            new { webhook.Id, TeamId = teamId, webhook.Url, webhook.Events, webhook.Description, webhook.Enabled, Secret = encryptedSecret, webhook.CreatedAt, Max = OutboundWebhookRules.MaxEndpointsPerTeam },
            transaction, cancellationToken: cancellationToken));
        if (created is null)
        {
            return null;
        }

        await AuditLog.AppendAsync(connection, transaction, audit, webhook.CreatedAt, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    public async Task<IReadOnlyList<OutboundWebhook>> ListForTeamAsync(Guid teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<OutboundWebhook>(new CommandDefinition(
            """
            SELECT id, url, events, description, enabled, disabled_reason, failing_since, previous_secret_expires_at, created_at, updated_at
            FROM outbound_webhook_endpoints
            WHERE team_id = @TeamId
            ORDER BY created_at, id
            """,
            new { TeamId = teamId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    public async Task<OutboundWebhook?> GetAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<OutboundWebhook>(new CommandDefinition(
            """
            SELECT id, url, events, description, enabled, disabled_reason, failing_since, previous_secret_expires_at, created_at, updated_at
            FROM outbound_webhook_endpoints
            WHERE team_id = @TeamId
              AND id = @Id
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>Writes url, events, description and enabled; enabling clears the failure state and the disable reason.</summary>
    public async Task<OutboundWebhook?> UpdateAsync(Guid teamId, OutboundWebhook webhook, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.QuerySingleOrDefaultAsync<OutboundWebhook>(new CommandDefinition(
            """
            UPDATE outbound_webhook_endpoints
            SET url = @Url, events = @Events, description = @Description, enabled = @Enabled, updated_at = @UpdatedAt,
                failing_since = CASE WHEN @Enabled AND NOT enabled THEN NULL ELSE failing_since END,
                disabled_reason = CASE WHEN @Enabled THEN NULL ELSE disabled_reason END
            WHERE team_id = @TeamId
              AND id = @Id
            RETURNING id, url, events, description, enabled, disabled_reason, failing_since, previous_secret_expires_at, created_at, updated_at
            """,
            new { TeamId = teamId, webhook.Id, webhook.Url, webhook.Events, webhook.Description, webhook.Enabled, webhook.UpdatedAt },
            transaction, cancellationToken: cancellationToken));
        if (updated is not null)
        {
            await AuditLog.AppendAsync(connection, transaction, audit, webhook.UpdatedAt, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return updated;
    }

    public async Task<bool> DeleteAsync(Guid teamId, Guid id, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM outbound_webhook_endpoints
            WHERE team_id = @TeamId
              AND id = @Id
            """,
            new { TeamId = teamId, Id = id }, transaction, cancellationToken: cancellationToken));
        if (deleted == 0)
        {
            return false;
        }

        await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The current secret becomes the previous one until <paramref name="previousExpiresAt"/>; <paramref name="encryptedSecret"/> signs from now on.</summary>
    public async Task<OutboundWebhook?> RotateSecretAsync(Guid teamId, Guid id, string encryptedSecret, DateTimeOffset previousExpiresAt, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rotated = await connection.QuerySingleOrDefaultAsync<OutboundWebhook>(new CommandDefinition(
            """
            UPDATE outbound_webhook_endpoints
            SET encrypted_previous_secret = encrypted_secret, previous_secret_expires_at = @PreviousExpiresAt,
                encrypted_secret = @Secret, updated_at = @Now
            WHERE team_id = @TeamId
              AND id = @Id
            RETURNING id, url, events, description, enabled, disabled_reason, failing_since, previous_secret_expires_at, created_at, updated_at
            """,
            new { TeamId = teamId, Id = id, Secret = encryptedSecret, PreviousExpiresAt = previousExpiresAt, Now = now },
            transaction, cancellationToken: cancellationToken));
        if (rotated is not null)
        {
            await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return rotated;
    }

    /// <summary>
    /// The endpoint's deliveries, newest first, after the keyset <paramref name="before"/> (created_at, id) when given;
    /// empty when the endpoint is missing or another team's.
    /// </summary>
    public async Task<IReadOnlyList<OutboundDelivery>> ListDeliveriesAsync(Guid teamId, Guid endpointId, string? status, (DateTimeOffset CreatedAt, Guid Id)? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<OutboundDelivery>(new CommandDefinition(
            """
            SELECT d.id, d.event_id, e.type AS event_type, d.status, d.attempts, d.last_response_code AS response_code, d.last_latency_ms AS latency_ms,
                   d.last_error, d.last_attempt_at, d.next_attempt_at, d.delivered_at, d.created_at
            FROM outbound_webhook_deliveries d
            JOIN outbound_webhook_events e ON e.id = d.event_id AND e.team_id = d.team_id
            WHERE d.team_id = @TeamId
              AND d.endpoint_id = @EndpointId
              AND (@Status::text IS NULL OR d.status = @Status)
              AND (@BeforeAt::timestamptz IS NULL OR (d.created_at, d.id) < (@BeforeAt, @BeforeId))
            ORDER BY d.created_at DESC, d.id DESC
            LIMIT @Limit
            """,
            new { TeamId = teamId, EndpointId = endpointId, Status = status, BeforeAt = before?.CreatedAt, BeforeId = before?.Id ?? Guid.Empty, Limit = limit },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Queues the delivery for another attempt now (whatever its state); null when missing or another team's.</summary>
    public async Task<OutboundDelivery?> RetryDeliveryAsync(Guid teamId, Guid endpointId, Guid deliveryId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<OutboundDelivery>(new CommandDefinition(
            """
            WITH retried AS (
                UPDATE outbound_webhook_deliveries
                SET status = 'pending', next_attempt_at = @Now, lease_until = NULL
                WHERE team_id = @TeamId
                  AND endpoint_id = @EndpointId
                  AND id = @DeliveryId
                RETURNING id, event_id, team_id, status, attempts, last_response_code, last_latency_ms, last_error, last_attempt_at, next_attempt_at, delivered_at, created_at
            )
            SELECT d.id, d.event_id, e.type AS event_type, d.status, d.attempts, d.last_response_code AS response_code, d.last_latency_ms AS latency_ms,
                   d.last_error, d.last_attempt_at, d.next_attempt_at, d.delivered_at, d.created_at
            FROM retried d
            JOIN outbound_webhook_events e ON e.id = d.event_id AND e.team_id = d.team_id
            """,
            new { TeamId = teamId, EndpointId = endpointId, DeliveryId = deliveryId, Now = now }, cancellationToken: cancellationToken));
    }
}

using Dapper;
using Moosermail.Core.Audit;
using Npgsql;

namespace Moosermail.Core.Webhooks;

/// <summary>A team's webhook endpoint row.</summary>
public sealed record WebhookEndpoint
{
    public Guid Id { get; init; }

    public Guid TeamId { get; init; }

    public string PublicId { get; init; } = string.Empty;

    public string? EncryptedSigningSecret { get; init; }
}

/// <summary>What GET /api/webhooks/resend reports besides the URL.</summary>
public sealed record WebhookEndpointStats
{
    public long EventsReceived { get; init; }

    public DateTimeOffset? LastEventAt { get; init; }
}

/// <summary>
/// Webhook endpoints. Team-scoped methods filter on team_id in the SQL; <see cref="FindForDeliveryAsync"/> is the
/// one system read, by the unguessable public id in the URL Resend posts to.
/// </summary>
public sealed class WebhookEndpointRepository(NpgsqlDataSource dataSource)
{
    /// <summary>The team's endpoint, created with <paramref name="newPublicId"/> when it has none yet (safe under concurrency).</summary>
    public async Task<WebhookEndpoint> GetOrCreateAsync(Guid teamId, string newPublicId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO webhook_endpoints (id, team_id, public_id, created_at, updated_at)
            VALUES (@Id, @TeamId, @PublicId, @Now, @Now)
            ON CONFLICT (team_id) DO NOTHING
            """,
            new { Id = Guid.NewGuid(), TeamId = teamId, PublicId = newPublicId, Now = now }, cancellationToken: cancellationToken));
        return await connection.QuerySingleAsync<WebhookEndpoint>(new CommandDefinition(
            """
            SELECT id, team_id, public_id, encrypted_signing_secret
            FROM webhook_endpoints
            WHERE team_id = @TeamId
            """,
            new { TeamId = teamId }, cancellationToken: cancellationToken));
    }

    public async Task<WebhookEndpointStats> StatsAsync(Guid teamId, Guid endpointId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<WebhookEndpointStats>(new CommandDefinition(
            """
            SELECT count(*) AS events_received, max(received_at) AS last_event_at
            FROM webhook_events
            WHERE team_id = @TeamId
              AND endpoint_id = @EndpointId
            """,
            new { TeamId = teamId, EndpointId = endpointId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The team's emails still 'sent' that left before <paramref name="sentBefore"/> and after the last event the
    /// endpoint received: Resend has said nothing about them, which usually means events do not reach us.
    /// </summary>
    public async Task<long> CountSilentSentEmailsAsync(Guid teamId, DateTimeOffset sentBefore, DateTimeOffset? lastEventAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT count(*)
            FROM emails
            WHERE team_id = @TeamId
              AND status = 'sent'
              AND sent_at < @SentBefore
              AND (CAST(@LastEventAt AS timestamptz) IS NULL OR sent_at > @LastEventAt)
            """,
            new { TeamId = teamId, SentBefore = sentBefore, LastEventAt = lastEventAt }, cancellationToken: cancellationToken));
    }

    /// <summary>Sets (or with null clears) the encrypted signing secret of the team's endpoint row.</summary>
    public async Task SetSecretAsync(Guid teamId, Guid endpointId, string? encryptedSecret, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_endpoints
            SET encrypted_signing_secret = @Secret, updated_at = @Now
            WHERE id = @EndpointId
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, EndpointId = endpointId, Secret = encryptedSecret, Now = now }, transaction, cancellationToken: cancellationToken));
        await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Gives the team's endpoint a new public id; the old URL stops working at once.</summary>
    public async Task RotateAsync(Guid teamId, string newPublicId, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_endpoints
            SET public_id = @PublicId, updated_at = @Now
            WHERE team_id = @TeamId
            """,
            new { TeamId = teamId, PublicId = newPublicId, Now = now }, transaction, cancellationToken: cancellationToken));
        await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>System read for incoming webhooks: the endpoint behind a URL, or null when no team has that public id.</summary>
    public async Task<WebhookEndpoint?> FindForDeliveryAsync(string publicId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<WebhookEndpoint>(new CommandDefinition(
            """
            SELECT id, team_id, public_id, encrypted_signing_secret
            FROM webhook_endpoints
            WHERE public_id = @PublicId
            """,
            new { PublicId = publicId }, cancellationToken: cancellationToken));
    }
}

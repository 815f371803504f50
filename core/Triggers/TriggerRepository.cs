using Dapper;
using Moosermail.Core.Audit;
using Moosermail.Core.OutboundWebhooks;
using Npgsql;

namespace Moosermail.Core.Triggers;

/// <summary>
/// A team's triggers. Every statement filters on team_id, except <see cref="FindByKeyAsync"/>: the system
/// lookup of the public fire route, where the key itself identifies the team.
/// </summary>
public sealed class TriggerRepository(NpgsqlDataSource dataSource)
{
    public async Task<Trigger> InsertAsync(Guid teamId, Trigger trigger, byte[] keyHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<Trigger>(new CommandDefinition(
            """
            WITH inserted AS (
                INSERT INTO triggers (id, team_id, name, template_id, key_hash, default_to, enabled, rate_limit_per_minute, allowed_recipient_domains, created_at, updated_at)
                VALUES (@Id, @TeamId, @Name, @TemplateId, @KeyHash, @DefaultTo, @Enabled, @RateLimitPerMinute, @AllowedRecipientDomains, @CreatedAt, @UpdatedAt)
                RETURNING id, team_id, name, template_id, default_to, enabled, rate_limit_per_minute, allowed_recipient_domains, created_at, updated_at
            )
            SELECT i.id, i.name, i.template_id, t.name AS template_name, i.default_to, i.enabled, i.rate_limit_per_minute, i.allowed_recipient_domains, i.created_at, i.updated_at
            FROM inserted i
            JOIN templates t ON t.id = i.template_id AND t.team_id = i.team_id
            """,
            new { TeamId = teamId, trigger.Id, trigger.Name, trigger.TemplateId, KeyHash = keyHash, trigger.DefaultTo, trigger.Enabled, trigger.RateLimitPerMinute, trigger.AllowedRecipientDomains, trigger.CreatedAt, trigger.UpdatedAt },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Trigger>> ListForTeamAsync(Guid teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Trigger>(new CommandDefinition(
            """
            SELECT g.id, g.name, g.template_id, t.name AS template_name, g.default_to, g.enabled, g.rate_limit_per_minute, g.allowed_recipient_domains, g.created_at, g.updated_at
            FROM triggers g
            JOIN templates t ON t.id = g.template_id AND t.team_id = g.team_id
            WHERE g.team_id = @TeamId
            ORDER BY g.created_at DESC, g.id
            """,
            new { TeamId = teamId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Null when the trigger is missing or belongs to another team.</summary>
    public async Task<Trigger?> GetAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Trigger>(new CommandDefinition(
            """
            SELECT g.id, g.name, g.template_id, t.name AS template_name, g.default_to, g.enabled, g.rate_limit_per_minute, g.allowed_recipient_domains, g.created_at, g.updated_at
            FROM triggers g
            JOIN templates t ON t.id = g.template_id AND t.team_id = g.team_id
            WHERE g.id = @Id
              AND g.team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>Applies the changes of <paramref name="changes"/> (see <see cref="TriggerChanges"/>); null when missing or another team's.</summary>
    public async Task<Trigger?> UpdateAsync(Guid teamId, Guid id, TriggerChanges changes, DateTimeOffset updatedAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE triggers
            SET name = COALESCE(@Name, name),
                template_id = COALESCE(@TemplateId, template_id),
                default_to = CASE WHEN @ClearDefaultTo THEN NULL ELSE COALESCE(@DefaultTo, default_to) END,
                enabled = COALESCE(@Enabled, enabled),
                rate_limit_per_minute = COALESCE(@RateLimitPerMinute, rate_limit_per_minute),
                allowed_recipient_domains = COALESCE(@AllowedRecipientDomains::text[], allowed_recipient_domains),
                updated_at = @UpdatedAt
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id, changes.Name, changes.TemplateId, changes.ClearDefaultTo, changes.DefaultTo, changes.Enabled, changes.RateLimitPerMinute, changes.AllowedRecipientDomains, UpdatedAt = updatedAt },
            cancellationToken: cancellationToken));
        return await GetAsync(teamId, id, cancellationToken);
    }

    /// <summary>Replaces the key hash, so the old key stops working at once; false when missing or another team's.</summary>
    public async Task<bool> ReplaceKeyAsync(Guid teamId, Guid id, byte[] keyHash, DateTimeOffset updatedAt, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var replaced = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE triggers
            SET key_hash = @KeyHash,
                updated_at = @UpdatedAt
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id, KeyHash = keyHash, UpdatedAt = updatedAt }, transaction, cancellationToken: cancellationToken)) == 1;
        if (replaced)
        {
            await AuditLog.AppendAsync(connection, transaction, audit, updatedAt, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return replaced;
    }

    /// <summary>False when the trigger is missing or belongs to another team. The key dies with the row.</summary>
    public async Task<bool> DeleteAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM triggers
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<IReadOnlyList<string>> ListNamesUsingTemplateAsync(Guid teamId, Guid templateId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var names = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT name
            FROM triggers
            WHERE template_id = @TemplateId
              AND team_id = @TeamId
            ORDER BY name
            """,
            new { TeamId = teamId, TemplateId = templateId }, cancellationToken: cancellationToken));
        return names.ToList();
    }

    /// <summary>A trigger as a fire reads it (both fire routes add their WHERE), and whether an outbound webhook wants trigger.fired.</summary>
    private const string FiringSelectSql =
        """
        SELECT g.id, g.team_id, g.name, g.template_id, t.name AS template_name, g.default_to, g.enabled, g.rate_limit_per_minute, g.allowed_recipient_domains, g.created_at, g.updated_at,
               EXISTS (
                   SELECT 1
                   FROM outbound_webhook_endpoints w
                   WHERE w.team_id = g.team_id
                     AND w.enabled
                     AND @FiredType = ANY (w.events)
               ) AS fired_subscribed
        FROM triggers g
        JOIN templates t ON t.id = g.template_id AND t.team_id = g.team_id

        """;

    /// <summary>The trigger to fire for a member of its team; null when missing or another team's.</summary>
    public async Task<FiringTrigger?> GetFiringAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<FiringTrigger>(new CommandDefinition(
            FiringSelectSql + """
            WHERE g.id = @Id
              AND g.team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id, FiredType = OutboundEvents.TriggerFiredType }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// SYSTEM LOOKUP for the public fire route: the trigger whose key is <paramref name="key"/>, with its team id,
    /// found by the key's SHA-256 — the one read not scoped by team, because the key identifies the team. Null for
    /// a malformed or unknown key (a malformed one never reaches the database). Disabled triggers are returned
    /// too, so the caller can refuse it as forbidden rather than not found.
    /// </summary>
    public async Task<FiringTrigger?> FindByKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!TriggerKey.IsWellFormed(key))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<FiringTrigger>(new CommandDefinition(
            FiringSelectSql + """
            WHERE g.key_hash = @KeyHash
            """,
            new { KeyHash = TriggerKey.Hash(key), FiredType = OutboundEvents.TriggerFiredType }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Adds <paramref name="emails"/> to the trigger's minute starting at <paramref name="window"/>, only if the total
    /// stays within <paramref name="limit"/>; false (and nothing counted) when it would not.
    /// </summary>
    public async Task<bool> TryCountEmailsAsync(Guid triggerId, DateTimeOffset window, int emails, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            """
            INSERT INTO trigger_fire_windows (trigger_id, window_start, emails)
            VALUES (@TriggerId, @Window, @Emails)
            ON CONFLICT (trigger_id, window_start) DO UPDATE
            SET emails = trigger_fire_windows.emails + @Emails
            WHERE trigger_fire_windows.emails + @Emails <= @Limit
            RETURNING emails
            """,
            new { TriggerId = triggerId, Window = window, Emails = emails, Limit = limit }, cancellationToken: cancellationToken)) is not null;
    }

    /// <summary>Gives back <paramref name="emails"/> counted by <see cref="TryCountEmailsAsync"/> for a fire that was then refused.</summary>
    public async Task UncountEmailsAsync(Guid triggerId, DateTimeOffset window, int emails, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE trigger_fire_windows
            SET emails = GREATEST(emails - @Emails, 0)
            WHERE trigger_id = @TriggerId AND window_start = @Window
            """,
            new { TriggerId = triggerId, Window = window, Emails = emails }, cancellationToken: cancellationToken));
    }

    /// <summary>Whether this Idempotency-Key was already used on the fire route <paramref name="scope"/> since <paramref name="since"/>.</summary>
    public async Task<bool> IsRepeatAsync(Guid teamId, string scope, string key, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            SELECT EXISTS (
                SELECT 1
                FROM idempotency_keys
                WHERE team_id = @TeamId
                  AND scope = @Scope
                  AND key = @Key
                  AND created_at >= @Since
            )
            """,
            new { TeamId = teamId, Scope = scope, Key = key, Since = since }, cancellationToken: cancellationToken));
    }
}

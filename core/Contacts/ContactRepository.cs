using Dapper;
using Moosermail.Core.OutboundWebhooks;
using Npgsql;

namespace Moosermail.Core.Contacts;

/// <summary>A team's contacts. Every statement filters on team_id; another team's contact is "not found".</summary>
public sealed class ContactRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Null when the team already has a contact with this email.</summary>
    public async Task<Contact?> InsertAsync(Guid teamId, Guid id, ContactFields fields, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var created = await connection.QuerySingleOrDefaultAsync<Contact>(new CommandDefinition(
            """
            INSERT INTO contacts (id, team_id, email, name, tags, properties, unsubscribed, created_at, updated_at)
            VALUES (@Id, @TeamId, @Email, @Name, @Tags, COALESCE(@PropertiesJson::jsonb, '{}'), @Unsubscribed, @Now, @Now)
            ON CONFLICT (team_id, email) DO NOTHING
            RETURNING id, email, name, tags, properties::text AS properties_json, unsubscribed, created_at, updated_at
            """,
            new { Id = id, TeamId = teamId, fields.Email, fields.Name, Tags = fields.Tags ?? [], fields.PropertiesJson, Unsubscribed = fields.Unsubscribed ?? false, Now = now },
            transaction, cancellationToken: cancellationToken));
        if (created is not null)
        {
            await OutboundEvents.RecordAsync(connection, transaction, teamId, "contact.created", created, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return created;
    }

    /// <summary>
    /// Up to <paramref name="take"/> contacts ordered by email, after <paramref name="afterEmail"/> when given.
    /// <paramref name="likePattern"/> is an ILIKE pattern whose user text is already escaped with '\'.
    /// </summary>
    public async Task<IReadOnlyList<Contact>> ListForTeamAsync(Guid teamId, string? likePattern, string? tag, string? afterEmail, int take, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Contact>(new CommandDefinition(
            """
            SELECT id, email, name, tags, properties::text AS properties_json, unsubscribed, created_at, updated_at
            FROM contacts
            WHERE team_id = @TeamId
              AND (@AfterEmail::text IS NULL OR email > @AfterEmail)
              AND (@Pattern::text IS NULL OR email ILIKE @Pattern ESCAPE '\' OR name ILIKE @Pattern ESCAPE '\')
              AND (@Tag::text IS NULL OR tags @> ARRAY[@Tag::text])
            ORDER BY email
            LIMIT @Take
            """,
            new { TeamId = teamId, AfterEmail = afterEmail, Pattern = likePattern, Tag = tag, Take = take }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Null when the contact is missing or belongs to another team.</summary>
    public async Task<Contact?> GetAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Contact>(new CommandDefinition(
            """
            SELECT id, email, name, tags, properties::text AS properties_json, unsubscribed, created_at, updated_at
            FROM contacts
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>Applies the given fields; null when missing or another team's. A taken email fails with 23505.</summary>
    public async Task<Contact?> UpdateAsync(Guid teamId, Guid id, ContactFields fields, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var wasUnsubscribed = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(
            """
            SELECT unsubscribed
            FROM contacts
            WHERE id = @Id
              AND team_id = @TeamId
            FOR UPDATE
            """,
            new { Id = id, TeamId = teamId }, transaction, cancellationToken: cancellationToken));
        if (wasUnsubscribed is null)
        {
            return null;
        }

        var updated = await connection.QuerySingleAsync<Contact>(new CommandDefinition(
            """
            UPDATE contacts
            SET email = COALESCE(@Email, email),
                name = CASE WHEN @ClearName THEN NULL ELSE COALESCE(@Name, name) END,
                tags = COALESCE(@Tags::text[], tags),
                properties = COALESCE(@PropertiesJson::jsonb, properties),
                unsubscribed = COALESCE(@Unsubscribed, unsubscribed),
                updated_at = @Now
            WHERE id = @Id
              AND team_id = @TeamId
            RETURNING id, email, name, tags, properties::text AS properties_json, unsubscribed, created_at, updated_at
            """,
            new { Id = id, TeamId = teamId, fields.Email, fields.Name, fields.ClearName, fields.Tags, fields.PropertiesJson, fields.Unsubscribed, Now = now },
            transaction, cancellationToken: cancellationToken));
        await OutboundEvents.RecordAsync(connection, transaction, teamId, "contact.updated", updated, now, cancellationToken);
        if (updated.Unsubscribed && wasUnsubscribed == false)
        {
            await OutboundEvents.RecordAsync(connection, transaction, teamId, "contact.unsubscribed", updated, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return updated;
    }

    /// <summary>False when the contact is missing or belongs to another team.</summary>
    public async Task<bool> DeleteAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM contacts
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// The CTEs that add the addresses of @ContactIds/@ContactEmails that are not contacts of @TeamId yet (CTE
    /// <c>collected</c>) and record contact.created for the team's subscribed outbound webhooks. One statement, shared
    /// by <see cref="InsertMissingAsync"/> and the send accept (AcceptRepository), which appends its own final SELECT.
    /// </summary>
    internal const string InsertMissingWithEventsSql = """
            WITH collected AS (
                INSERT INTO contacts (id, team_id, email, created_at, updated_at)
                SELECT r.id, @TeamId, r.email, @Now, @Now
                FROM unnest(CAST(@ContactIds AS uuid[]), CAST(@ContactEmails AS text[])) AS r (id, email)
                ON CONFLICT (team_id, email) DO NOTHING
                RETURNING id, email, name, tags, properties, unsubscribed, created_at, updated_at
            ), subscribed AS (
                SELECT id
                FROM outbound_webhook_endpoints
                WHERE team_id = @TeamId
                  AND enabled
                  AND 'contact.created' = ANY (events)
            ), recorded AS (
                INSERT INTO outbound_webhook_events (id, team_id, type, payload, created_at)
                SELECT gen_random_uuid(), @TeamId, 'contact.created',
                       outbound_contact_payload('contact.created', @Now, c.id, c.email, c.name, c.tags, c.properties, c.unsubscribed, c.created_at, c.updated_at), @Now
                FROM collected c
                WHERE EXISTS (SELECT 1 FROM subscribed)
                RETURNING id
            ), queued AS (
                INSERT INTO outbound_webhook_deliveries (id, team_id, endpoint_id, event_id, status, next_attempt_at, created_at)
                SELECT gen_random_uuid(), @TeamId, s.id, r.id, 'pending', @Now, @Now
                FROM subscribed s
                CROSS JOIN recorded r
            )
            """;

    /// <summary>Adds the addresses that are not contacts yet (with contact.created); existing contacts are left as they are. Returns how many were added.</summary>
    public async Task<int> InsertMissingAsync(Guid teamId, IReadOnlyList<string> emails, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // The send accept runs the same statement in its own command (AcceptRepository), so accepting costs no extra round trip.
        // New contacts get contact.created for the team's outbound webhooks in the same statement.
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            InsertMissingWithEventsSql + "\nSELECT count(*)::integer FROM collected",
            new { TeamId = teamId, ContactIds = emails.Select(_ => Guid.NewGuid()).ToArray(), ContactEmails = emails.ToArray(), Now = now },
            cancellationToken: cancellationToken));
    }


    /// <summary>The team's contacts carrying <paramref name="tag"/> that have not unsubscribed, ordered by email.</summary>
    public async Task<IReadOnlyList<Contact>> ListSubscribedByTagAsync(Guid teamId, string tag, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Contact>(new CommandDefinition(
            """
            SELECT id, email, name, tags, properties::text AS properties_json, unsubscribed, created_at, updated_at
            FROM contacts
            WHERE team_id = @TeamId
              AND tags @> ARRAY[@Tag::text]
              AND NOT unsubscribed
            ORDER BY email
            """,
            new { TeamId = teamId, Tag = tag }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>
    /// Upserts imported rows (emails distinct and valid) in one statement: a new email is inserted, an existing
    /// contact gets the row's name (when given) and the row's tags added to its own. The same statement records
    /// contact.created for each new contact and contact.updated for each existing one whose name or tags changed, for the
    /// team's outbound webhooks (nothing when no endpoint subscribes; the prior state is read only then).
    /// </summary>
    public async Task<(int Imported, int Updated)> UpsertImportedAsync(Guid teamId, IReadOnlyList<(string Email, string? Name, string[] Tags)> rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var counts = await connection.QuerySingleAsync<(long Imported, long Updated)>(new CommandDefinition(
            """
            WITH subscribed AS (
                SELECT id, events
                FROM outbound_webhook_endpoints
                WHERE team_id = @TeamId
                  AND enabled
                  AND events && ARRAY['contact.created', 'contact.updated']
            ), prior AS (
                SELECT email, name, tags
                FROM contacts
                WHERE team_id = @TeamId
                  AND email = ANY (@Emails)
                  AND EXISTS (SELECT 1 FROM subscribed)
            ), upserted AS (
                INSERT INTO contacts (id, team_id, email, name, tags, created_at, updated_at)
                SELECT r.id, @TeamId, r.email, r.name, string_to_array(r.tags, ';'), @Now, @Now
                FROM unnest(@Ids::uuid[], @Emails::text[], @Names::text[], @Tags::text[]) AS r (id, email, name, tags)
                ON CONFLICT (team_id, email) DO UPDATE
                SET name = COALESCE(EXCLUDED.name, contacts.name),
                    tags = ARRAY(SELECT DISTINCT t FROM unnest(contacts.tags || EXCLUDED.tags) AS t ORDER BY t),
                    updated_at = EXCLUDED.updated_at
                WHERE contacts.team_id = @TeamId
                RETURNING (xmax = 0) AS inserted, id, email, name, tags, properties, unsubscribed, created_at, updated_at
            ), changes AS (
                SELECT CASE WHEN u.inserted THEN 'contact.created' ELSE 'contact.updated' END AS type, u.*
                FROM upserted u
                LEFT JOIN prior p ON p.email = u.email
                WHERE EXISTS (SELECT 1 FROM subscribed)
                  AND (u.inserted OR p.name IS DISTINCT FROM u.name OR NOT (p.tags @> u.tags AND u.tags @> p.tags))
            ), recorded AS (
                INSERT INTO outbound_webhook_events (id, team_id, type, payload, created_at)
                SELECT gen_random_uuid(), @TeamId, c.type,
                       outbound_contact_payload(c.type, @Now, c.id, c.email, c.name, c.tags, c.properties, c.unsubscribed, c.created_at, c.updated_at), @Now
                FROM changes c
                WHERE EXISTS (SELECT 1 FROM subscribed s WHERE c.type = ANY (s.events))
                RETURNING id, type
            ), queued AS (
                INSERT INTO outbound_webhook_deliveries (id, team_id, endpoint_id, event_id, status, next_attempt_at, created_at)
                SELECT gen_random_uuid(), @TeamId, s.id, r.id, 'pending', @Now, @Now
                FROM recorded r
                JOIN subscribed s ON r.type = ANY (s.events)
            )
            SELECT count(*) FILTER (WHERE inserted) AS imported, count(*) FILTER (WHERE NOT inserted) AS updated
            FROM upserted
            """,
            new
            {
                TeamId = teamId,
                Now = now,
                Ids = rows.Select(_ => Guid.NewGuid()).ToArray(),
                Emails = rows.Select(r => r.Email).ToArray(),
                Names = rows.Select(r => r.Name).ToArray(),
                Tags = rows.Select(r => string.Join(';', r.Tags)).ToArray(),
            },
            cancellationToken: cancellationToken));
        return ((int)counts.Imported, (int)counts.Updated);
    }

    /// <summary>Which of <paramref name="emails"/> are contacts of the team who unsubscribed.</summary>
    public async Task<IReadOnlyList<string>> FindUnsubscribedAsync(Guid teamId, IReadOnlyList<string> emails, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT email
            FROM contacts
            WHERE team_id = @TeamId
              AND unsubscribed
              AND email = ANY (@Emails)
            """,
            new { TeamId = teamId, Emails = emails.Select(e => e.ToLowerInvariant()).ToArray() }, cancellationToken: cancellationToken));
        return rows.ToList();
    }
}

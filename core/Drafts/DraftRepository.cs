using Dapper;
using Moosermail.Core.Errors;
using Npgsql;

namespace Moosermail.Core.Drafts;

/// <summary>A team's drafts. Every statement filters on team_id; another team's draft is "not found".</summary>
public sealed class DraftRepository(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Stores the draft unless the team already has <paramref name="maxUnsent"/> unsent drafts (null then). Counted with
    /// the team's row locked, so concurrent creates cannot pass the cap together.
    /// </summary>
    public async Task<Draft?> InsertAsync(Guid teamId, Draft draft, int maxUnsent, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT 1 FROM teams WHERE id = @TeamId FOR UPDATE", new { TeamId = teamId }, transaction, cancellationToken: cancellationToken));
        var unsent = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT count(*)
            FROM drafts
            WHERE team_id = @TeamId
              AND sent_at IS NULL
            """,
            new { TeamId = teamId }, transaction, cancellationToken: cancellationToken));
        if (unsent >= maxUnsent)
        {
            return null;
        }

        var inserted = await connection.QuerySingleAsync<Draft>(new CommandDefinition(
            """
            INSERT INTO drafts (id, team_id, created_by, from_address, to_addresses, cc_addresses, bcc_addresses, subject, text_body, html_body, reply_to_inbox_id, quote_original, created_at, updated_at)
            VALUES (@Id, @TeamId, @CreatedBy, @From, @To, @Cc, @Bcc, @Subject, @Text, @Html, @ReplyToInboxId, @Quote, @CreatedAt, @UpdatedAt)
            RETURNING id, from_address AS "from", to_addresses AS "to", cc_addresses AS cc, bcc_addresses AS bcc, subject, text_body AS text, html_body AS html, reply_to_inbox_id, quote_original AS quote, created_by, sent_email_id, sent_at, created_at, updated_at
            """,
            new { TeamId = teamId, draft.Id, draft.CreatedBy, draft.From, draft.To, draft.Cc, draft.Bcc, draft.Subject, draft.Text, draft.Html, draft.ReplyToInboxId, draft.Quote, draft.CreatedAt, draft.UpdatedAt },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    /// <summary>
    /// Retention, ACROSS TEAMS (the DataRetention timer): deletes drafts sent before <paramref name="sentBefore"/>, in
    /// batches so no run holds long locks. The email they became stays in the send log.
    /// </summary>
    public async Task<int> DeleteSentBeforeAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        int deleted, total = 0;
        do
        {
            deleted = await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM drafts
                WHERE id IN (
                    SELECT id
                    FROM drafts
                    WHERE sent_at < @SentBefore
                    LIMIT 5000
                )
                """,
                new { SentBefore = sentBefore }, cancellationToken: cancellationToken));
            total += deleted;
        }
        while (deleted == 5000);
        return total;
    }

    /// <summary>The team's unsent drafts, most recently changed first (at most <paramref name="limit"/>).</summary>
    public async Task<IReadOnlyList<Draft>> ListForTeamAsync(Guid teamId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Draft>(new CommandDefinition(
            """
            SELECT id, from_address AS "from", to_addresses AS "to", cc_addresses AS cc, bcc_addresses AS bcc, subject, text_body AS text, html_body AS html, reply_to_inbox_id, quote_original AS quote, created_by, sent_email_id, sent_at, created_at, updated_at
            FROM drafts
            WHERE team_id = @TeamId
              AND sent_at IS NULL
            ORDER BY updated_at DESC, id DESC
            LIMIT @Limit
            """,
            new { TeamId = teamId, Limit = limit }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>The draft, sent or not; null when it is missing or belongs to another team.</summary>
    public async Task<Draft?> GetAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Draft>(new CommandDefinition(
            """
            SELECT id, from_address AS "from", to_addresses AS "to", cc_addresses AS cc, bcc_addresses AS bcc, subject, text_body AS text, html_body AS html, reply_to_inbox_id, quote_original AS quote, created_by, sent_email_id, sent_at, created_at, updated_at
            FROM drafts
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Writes the draft's fields if it is still unsent and unchanged since <paramref name="seenUpdatedAt"/> (so a
    /// concurrent send or edit is not overwritten). Null when missing, another team's, sent, or changed meanwhile.
    /// </summary>
    public async Task<Draft?> UpdateAsync(Guid teamId, Draft draft, DateTimeOffset seenUpdatedAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Draft>(new CommandDefinition(
            """
            UPDATE drafts
            SET from_address = @From,
                to_addresses = @To,
                cc_addresses = @Cc,
                bcc_addresses = @Bcc,
                subject = @Subject,
                text_body = @Text,
                html_body = @Html,
                quote_original = @Quote,
                updated_at = @UpdatedAt
            WHERE id = @Id
              AND team_id = @TeamId
              AND sent_at IS NULL
              AND updated_at = @SeenUpdatedAt
            RETURNING id, from_address AS "from", to_addresses AS "to", cc_addresses AS cc, bcc_addresses AS bcc, subject, text_body AS text, html_body AS html, reply_to_inbox_id, quote_original AS quote, created_by, sent_email_id, sent_at, created_at, updated_at
            """,
            new { TeamId = teamId, draft.Id, draft.From, draft.To, draft.Cc, draft.Bcc, draft.Subject, draft.Text, draft.Html, draft.Quote, draft.UpdatedAt, SeenUpdatedAt = seenUpdatedAt },
            cancellationToken: cancellationToken));
    }

    /// <summary>Deletes the draft (sent or not); false when missing or another team's.</summary>
    public async Task<bool> DeleteAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM drafts
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Inside the accept transaction: marks the draft sent as <paramref name="emailId"/>, only if it is still unsent and
    /// unchanged since it was read. A concurrent send waits on the row lock and then finds it sent, so one draft gives
    /// one email.
    /// </summary>
    /// <exception cref="ConflictException">The draft was sent, deleted or changed since it was read; the accept rolls back.</exception>
    public static async Task MarkSentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid teamId, Guid id, DateTimeOffset seenUpdatedAt, Guid emailId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var marked = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE drafts
            SET sent_email_id = @EmailId,
                sent_at = @Now
            WHERE id = @Id
              AND team_id = @TeamId
              AND sent_at IS NULL
              AND updated_at = @SeenUpdatedAt
            """,
            new { TeamId = teamId, Id = id, EmailId = emailId, Now = now, SeenUpdatedAt = seenUpdatedAt }, transaction, cancellationToken: cancellationToken));
        if (marked != 1)
        {
            throw new ConflictException("This draft was sent, deleted or changed while it was being sent; nothing was sent by this request. GET /api/drafts/{id} shows where it is.");
        }
    }
}

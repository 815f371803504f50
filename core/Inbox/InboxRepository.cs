using System.Text.Json;
using Dapper;
using Moosermail.Core.OutboundWebhooks;
using Npgsql;

namespace Moosermail.Core.Inbox;

/// <summary>
/// A team's received mail. Every statement filters on team_id: another team's email, thread or id is "not found"
/// (null or empty). This is the API other features use (replies, MCP, CLI, pipes); the content job and the
/// backfill, which work across teams, live in <see cref="InboxFetchRepository"/> and <see cref="InboxSyncRepository"/>.
/// </summary>
public sealed class InboxRepository(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Stores a newly seen email's metadata with its content still to fetch (due at once). Returns the new id, or null
    /// when the team already has this Resend id: a repeated email.received or the backfill meeting it stores nothing.
    /// </summary>
    public async Task<Guid?> InsertAsync(NewReceivedEmail email, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var id = Guid.CreateVersion7(now);
        // email.received for the team's outbound webhooks, in this command's one implicit transaction: only when the row is new.
        var (eventId, eventPayload) = OutboundEvents.ReceivedEmail(id, email, now);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            """
            INSERT INTO received_emails (id, team_id, resend_id, from_address, to_addresses, cc_addresses, subject, subject_key,
                                         message_id, attachments, thread_id, next_attempt_at, received_at, created_at, sender_id)
            VALUES (@Id, @TeamId, @ResendId, @From, @To, @Cc, @Subject, @SubjectKey,
                    @MessageId, @Attachments::jsonb, @Id, @Now, @ReceivedAt, @Now,
                    (SELECT s.id FROM senders s WHERE s.id = @SenderId AND s.team_id = @TeamId))
            ON CONFLICT (team_id, resend_id) DO NOTHING
            RETURNING id;
            SELECT outbound_record(@TeamId, 'email.received', @EventId, @EventPayload, @Now)
            WHERE EXISTS (SELECT 1 FROM received_emails WHERE team_id = @TeamId AND id = @Id);
            """,
            new
            {
                Id = id,
                EventId = eventId,
                EventPayload = eventPayload,
                email.TeamId,
                email.ResendId,
                email.From,
                To = email.To.ToArray(),
                Cc = email.Cc.ToArray(),
                email.Subject,
                SubjectKey = MailHeaders.SubjectKey(email.Subject),
                email.MessageId,
                Attachments = JsonSerializer.Serialize(email.Attachments, InboxJson.Options),
                ReceivedAt = email.ReceivedAt ?? now,
                email.SenderId,
                Now = now,
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>One email with its content; null when it is missing or another team's.</summary>
    public async Task<ReceivedEmail?> GetAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ReceivedEmail, JsonColumns, ReceivedEmail>(new CommandDefinition(
            """
            SELECT e.id, e.thread_id, e.resend_id, e.from_address AS from, e.to_addresses AS to, e.cc_addresses AS cc, e.subject,
                   left(e.text_body, 200) AS snippet, e.is_read AS read, e.is_archived AS archived, e.is_hidden AS hidden, e.labels,
                   jsonb_array_length(e.attachments) AS attachment_count, e.content_state, e.received_at, e.seq,
                   e.reply_to, e.message_id, e.in_reply_to, e.references_ids AS references, e.text_body AS text, e.html_body AS html,
                   e.fetch_attempts, e.last_error, e.created_at, e.fetched_at, e.sender_id,
                   e.attachments::text AS attachments_json, e.headers::text AS headers_json
            FROM received_emails e
            WHERE e.id = @Id
              AND e.team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken),
            (email, json) => json is null ? email : email with { Headers = json.Headers(), Attachments = json.Attachments() },
            splitOn: "attachments_json");
        return rows.SingleOrDefault();
    }

    /// <summary>
    /// Newest first, after the keyset <paramref name="after"/> (received_at, id) of the previous page. Hidden mail is
    /// left out unless <see cref="InboxQuery.IncludeHidden"/>. The query's Cursor is not read here (the service decodes it).
    /// </summary>
    public async Task<IReadOnlyList<ReceivedEmailSummary>> ListAsync(Guid teamId, InboxQuery query, (DateTimeOffset At, Guid Id)? after, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ReceivedEmailSummary>(new CommandDefinition(
            """
            SELECT e.id, e.thread_id, e.resend_id, e.from_address AS from, e.to_addresses AS to, e.cc_addresses AS cc, e.subject,
                   left(e.text_body, 200) AS snippet, e.is_read AS read, e.is_archived AS archived, e.is_hidden AS hidden, e.labels,
                   jsonb_array_length(e.attachments) AS attachment_count, e.content_state, e.received_at, e.seq
            FROM received_emails e
            WHERE e.team_id = @TeamId
              AND (@IncludeHidden OR NOT e.is_hidden)
              AND (@Unread::boolean IS NULL OR e.is_read = NOT @Unread)
              AND (@Archived::boolean IS NULL OR e.is_archived = @Archived)
              AND (@Search::text IS NULL OR e.search @@ websearch_to_tsquery('english', @Search))
              AND (@From::text IS NULL OR position(lower(@From) IN lower(e.from_address)) > 0)
              AND (@Label::text IS NULL OR @Label = ANY (e.labels))
              AND (@Thread::uuid IS NULL OR e.thread_id = @Thread)
              AND (@AfterAt::timestamptz IS NULL OR (e.received_at, e.id) < (@AfterAt, @AfterId))
            ORDER BY e.received_at DESC, e.id DESC
            LIMIT @Limit
            """,
            new
            {
                TeamId = teamId,
                query.IncludeHidden,
                query.Unread,
                query.Archived,
                query.Search,
                query.From,
                query.Label,
                query.Thread,
                AfterAt = after?.At,
                AfterId = after?.Id,
                query.Limit,
            },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>A thread's emails, oldest first (hidden ones too: a thread is read whole); empty when unknown or another team's.</summary>
    public async Task<IReadOnlyList<ReceivedEmailSummary>> ListThreadAsync(Guid teamId, Guid threadId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ReceivedEmailSummary>(new CommandDefinition(
            """
            SELECT e.id, e.thread_id, e.resend_id, e.from_address AS from, e.to_addresses AS to, e.cc_addresses AS cc, e.subject,
                   left(e.text_body, 200) AS snippet, e.is_read AS read, e.is_archived AS archived, e.is_hidden AS hidden, e.labels,
                   jsonb_array_length(e.attachments) AS attachment_count, e.content_state, e.received_at, e.seq
            FROM received_emails e
            WHERE e.team_id = @TeamId
              AND e.thread_id = @ThreadId
            ORDER BY e.received_at, e.id
            LIMIT 500
            """,
            new { TeamId = teamId, ThreadId = threadId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Applies the present fields of <paramref name="update"/>; false when the email is missing or another team's.</summary>
    public async Task<bool> UpdateAsync(Guid teamId, Guid id, InboxUpdate update, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE received_emails
            SET is_read = COALESCE(@Read, is_read),
                is_archived = COALESCE(@Archived, is_archived),
                is_hidden = COALESCE(@Hidden, is_hidden),
                labels = COALESCE(@Labels, labels)
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id, update.Read, update.Archived, update.Hidden, Labels = update.Labels?.ToArray() },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Fetched emails of the team created after <paramref name="afterSeq"/>, in creation order (seq): for readers that
    /// walk new mail, such as pipes, which keep their own "processed" marks.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedEmailSummary>> ListFetchedAsync(Guid teamId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ReceivedEmailSummary>(new CommandDefinition(
            """
            SELECT e.id, e.thread_id, e.resend_id, e.from_address AS from, e.to_addresses AS to, e.cc_addresses AS cc, e.subject,
                   left(e.text_body, 200) AS snippet, e.is_read AS read, e.is_archived AS archived, e.is_hidden AS hidden, e.labels,
                   jsonb_array_length(e.attachments) AS attachment_count, e.content_state, e.received_at, e.seq
            FROM received_emails e
            WHERE e.team_id = @TeamId
              AND e.content_state = 'fetched'
              AND e.seq > @AfterSeq
            ORDER BY e.seq
            LIMIT @Limit
            """,
            new { TeamId = teamId, AfterSeq = afterSeq, Limit = limit }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>The headers and thread a reply to this email needs; null when it is missing or another team's.</summary>
    public async Task<ReplyThreading?> ReplyThreadingAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ThreadingRow>(new CommandDefinition(
            """
            SELECT thread_id, message_id, references_ids AS references, subject
            FROM received_emails
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken));
        return row is { } r ? ReplyThreading.For(r.ThreadId, r.MessageId, r.References, r.Subject) : null;
    }

    /// <summary>
    /// Records that <paramref name="messageId"/> (e.g. a reply sent from Moosermail, as <c>&lt;id@host&gt;</c>) belongs to
    /// <paramref name="threadId"/>, so mail answering it joins the thread. A Message-ID already known keeps its thread.
    /// </summary>
    public async Task RegisterThreadMessageAsync(Guid teamId, string messageId, Guid threadId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RegisterThreadMessageAsync(connection, transaction, teamId, messageId, threadId, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The same inside a caller's transaction (a reply registers its Message-ID with the accept).</summary>
    public static Task RegisterThreadMessageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid teamId, string messageId, Guid threadId, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO inbox_thread_messages (team_id, message_id, thread_id, created_at)
            VALUES (@TeamId, @MessageId, @ThreadId, @Now)
            ON CONFLICT (team_id, message_id) DO NOTHING
            """,
            new { TeamId = teamId, MessageId = messageId, ThreadId = threadId, Now = now }, transaction, cancellationToken: cancellationToken));

    private sealed class ThreadingRow
    {
        public Guid ThreadId { get; init; }

        public string? MessageId { get; init; }

        public string[] References { get; init; } = [];

        public string Subject { get; init; } = string.Empty;
    }

    /// <summary>The jsonb columns, read as text and parsed after the row (split on attachments_json, which is never null).</summary>
    private sealed class JsonColumns
    {
        public string? HeadersJson { get; init; }

        public string? AttachmentsJson { get; init; }

        public JsonElement? Headers()
        {
            if (HeadersJson is null)
            {
                return null;
            }

            using var document = JsonDocument.Parse(HeadersJson);
            return document.RootElement.Clone();
        }

        public List<ReceivedAttachment> Attachments() =>
            AttachmentsJson is null ? [] : JsonSerializer.Deserialize<List<ReceivedAttachment>>(AttachmentsJson, InboxJson.Options) ?? [];
    }
}

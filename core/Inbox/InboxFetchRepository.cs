using Dapper;
using Npgsql;

namespace Moosermail.Core.Inbox;

/// <summary>A received email whose content this instance has leased: fetch it, then complete, retry or fail it.</summary>
public sealed record ClaimedFetch
{
    public Guid Id { get; init; }

    public Guid TeamId { get; init; }

    public string ResendId { get; init; } = string.Empty;

    public int Attempts { get; init; }

    /// <summary>The sender whose key found or last read the email, tried first.</summary>
    public Guid? SenderId { get; init; }

    public string[] To { get; init; } = [];

    public string[] Cc { get; init; } = [];
}

/// <summary>The content of a received email as Resend returned it, already cleaned for storage.</summary>
public sealed record FetchedContent(
    string From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> ReplyTo,
    string Subject,
    string? MessageId,
    string? InReplyTo,
    IReadOnlyList<string> References,
    string? Text,
    string? Html,
    string? HeadersJson,
    string AttachmentsJson);

/// <summary>
/// The content-fetch job over received_emails. System-level by design (the fetcher serves every team): rows are claimed
/// with FOR UPDATE SKIP LOCKED and a lease, so any number of instances share the work and none fetches twice at once.
/// The writes after a claim name the row's team_id too.
/// </summary>
public sealed class InboxFetchRepository(NpgsqlDataSource dataSource)
{
    private static readonly TimeSpan s_subjectFallbackWindow = TimeSpan.FromDays(30);

    /// <summary>Leases up to <paramref name="limit"/> emails whose content is due, counting the attempt.</summary>
    public async Task<IReadOnlyList<ClaimedFetch>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ClaimedFetch>(new CommandDefinition(
            """
            WITH due AS (
                SELECT id
                FROM received_emails
                WHERE content_state = 'pending'
                  AND next_attempt_at <= @Now
                  AND (lease_until IS NULL OR lease_until < @Now)
                ORDER BY next_attempt_at
                LIMIT @Limit
                FOR UPDATE SKIP LOCKED
            )
            UPDATE received_emails r
            SET fetch_attempts = r.fetch_attempts + 1, lease_until = @LeaseUntil
            FROM due
            WHERE r.id = due.id
            RETURNING r.id, r.team_id, r.resend_id, r.fetch_attempts AS attempts, r.sender_id, r.to_addresses AS to, r.cc_addresses AS cc
            """,
            new { Now = now, LeaseUntil = now + lease, Limit = limit }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Stores the content (read with <paramref name="senderId"/>'s key), marks it fetched and threads the email, in one transaction.</summary>
    public async Task CompleteAsync(ClaimedFetch job, FetchedContent content, Guid? senderId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE received_emails
            SET from_address = @From, to_addresses = @To, cc_addresses = @Cc, reply_to = @ReplyTo,
                subject = @Subject, subject_key = @SubjectKey, message_id = COALESCE(@MessageId, message_id),
                in_reply_to = @InReplyTo, references_ids = @References, text_body = @Text, html_body = @Html,
                headers = @HeadersJson::jsonb, attachments = @AttachmentsJson::jsonb,
                content_state = 'fetched', lease_until = NULL, last_error = NULL, fetched_at = @Now,
                sender_id = COALESCE((SELECT s.id FROM senders s WHERE s.id = @SenderId AND s.team_id = @TeamId), sender_id)
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new
            {
                job.Id,
                job.TeamId,
                content.From,
                To = content.To.ToArray(),
                Cc = content.Cc.ToArray(),
                ReplyTo = content.ReplyTo.ToArray(),
                content.Subject,
                SubjectKey = MailHeaders.SubjectKey(content.Subject),
                content.MessageId,
                content.InReplyTo,
                References = content.References.ToArray(),
                content.Text,
                content.Html,
                content.HeadersJson,
                content.AttachmentsJson,
                SenderId = senderId,
                Now = now,
            },
            transaction, cancellationToken: cancellationToken));
        await AssignThreadAsync(connection, transaction, job, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A transient failure: release the lease and try again at <paramref name="nextAttemptAt"/>.</summary>
    public async Task RetryLaterAsync(ClaimedFetch job, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE received_emails
            SET lease_until = NULL, next_attempt_at = @NextAttemptAt, last_error = @Error
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { job.Id, job.TeamId, NextAttemptAt = nextAttemptAt, Error = error }, cancellationToken: cancellationToken));
    }

    /// <summary>A permanent failure (or attempts exhausted): the metadata stays, the content is marked failed with the reason.</summary>
    public async Task FailAsync(ClaimedFetch job, string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE received_emails
            SET content_state = 'failed', lease_until = NULL, last_error = @Error
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { job.Id, job.TeamId, Error = error }, transaction, cancellationToken: cancellationToken));
        await AssignThreadAsync(connection, transaction, job, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Threads the email by its headers: the thread of the first known id among References (root first), In-Reply-To
    /// and its own Message-ID. Only when it has neither In-Reply-To nor References and its subject is a reply
    /// ("Re: …") does it join the newest email with the same subject received in the 30 days before it. Then every id it names
    /// is recorded for that thread, so later mail (or the original arriving late) finds it.
    /// </summary>
    private static async Task AssignThreadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ClaimedFetch job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var email = await connection.QuerySingleAsync<ThreadingInput>(new CommandDefinition(
            """
            SELECT thread_id, message_id, in_reply_to, references_ids AS references, subject, subject_key, received_at
            FROM received_emails
            WHERE id = @Id
              AND team_id = @TeamId
            FOR UPDATE
            """,
            new { job.Id, job.TeamId }, transaction, cancellationToken: cancellationToken));
        var related = email.References.Append(email.InReplyTo).Append(email.MessageId).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var thread = related.Length == 0 ? null : await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            """
            SELECT thread_id
            FROM inbox_thread_messages
            WHERE team_id = @TeamId
              AND message_id = ANY (@Related)
            ORDER BY array_position(@Related, message_id)
            LIMIT 1
            """,
            new { job.TeamId, Related = related }, transaction, cancellationToken: cancellationToken));
        if (thread is null && email.InReplyTo is null && email.References.Length == 0 && MailHeaders.IsReplySubject(email.Subject) && email.SubjectKey.Length > 0)
        {
            thread = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
                """
                SELECT thread_id
                FROM received_emails
                WHERE team_id = @TeamId
                  AND subject_key = @SubjectKey
                  AND id <> @Id
                  AND received_at >= @Since
                ORDER BY received_at DESC, id DESC
                LIMIT 1
                """,
                new { job.TeamId, job.Id, email.SubjectKey, Since = email.ReceivedAt - s_subjectFallbackWindow }, transaction, cancellationToken: cancellationToken));
        }

        var threadId = thread ?? email.ThreadId;
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE received_emails
            SET thread_id = @ThreadId
            WHERE id = @Id
              AND team_id = @TeamId
              AND thread_id <> @ThreadId;
            INSERT INTO inbox_thread_messages (team_id, message_id, thread_id, created_at)
            SELECT @TeamId, m, @ThreadId, @Now
            FROM unnest(@Related) AS m
            ON CONFLICT (team_id, message_id) DO NOTHING;
            """,
            new { job.Id, job.TeamId, ThreadId = threadId, Related = related, Now = now }, transaction, cancellationToken: cancellationToken));
    }

    private sealed class ThreadingInput
    {
        public Guid ThreadId { get; init; }

        public string? MessageId { get; init; }

        public string? InReplyTo { get; init; }

        public string[] References { get; init; } = [];

        public string Subject { get; init; } = string.Empty;

        public string SubjectKey { get; init; } = string.Empty;

        /// <summary>Resend's created_at: the fallback looks back 30 days from the email itself, however late it was stored.</summary>
        public DateTimeOffset ReceivedAt { get; init; }
    }
}

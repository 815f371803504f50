using Dapper;
using Npgsql;

namespace Moosermail.Tests.Integration.Infrastructure;

/// <summary>
/// A received email stored directly as the content job leaves it (fetched), for tests of what is built on the inbox
/// (replies, drafts) that need exact headers without the webhook round trip. The inbox's own tests go through it.
/// </summary>
public static class TestReceivedMail
{
    public static async Task<(Guid Id, Guid ThreadId)> InsertAsync(
        this AppFixture app, Guid teamId, string from = "Ann Sender <ann@example.org>", string[]? to = null, string[]? cc = null,
        string subject = "Question about my order", string? messageId = null, string[]? references = null, string[]? replyTo = null)
    {
        var id = Guid.NewGuid();
        var threadId = Guid.NewGuid();
        var now = app.Time.GetUtcNow();
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        await connection.ExecuteAsync(
            """
            INSERT INTO received_emails (id, team_id, resend_id, from_address, to_addresses, cc_addresses, reply_to, subject, subject_key,
                                         message_id, references_ids, text_body, thread_id, content_state, next_attempt_at, received_at, created_at, fetched_at)
            VALUES (@Id, @TeamId, @ResendId, @From, @To, @Cc, @ReplyTo, @Subject, lower(@Subject),
                    @MessageId, @References, 'Hello, where is my order?', @ThreadId, 'fetched', @Now, @Now, @Now, @Now)
            """,
            new
            {
                Id = id,
                TeamId = teamId,
                ResendId = Guid.NewGuid().ToString(),
                From = from,
                To = to ?? ["hello@example.com"],
                Cc = cc ?? [],
                ReplyTo = replyTo ?? [],
                Subject = subject,
                MessageId = messageId ?? $"<{Guid.NewGuid():N}@mail.example.org>",
                References = references ?? [],
                ThreadId = threadId,
                Now = now,
            });
        return (id, threadId);
    }
}

using Dapper;
using Moosermail.Core.Inbox;
using Npgsql;

namespace Moosermail.Core.Drafts;

/// <summary>The links between sent replies and the received emails they answer. Every statement filters on team_id.</summary>
public sealed class ReplyRepository(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Inside the accept transaction: <paramref name="emailId"/> answers <paramref name="receivedEmailId"/> (checked to be
    /// the team's before) and carries <paramref name="messageId"/>, which is registered in the received email's thread so
    /// an answer to the reply joins it even when it names only In-Reply-To.
    /// </summary>
    public static async Task LinkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid teamId, Guid emailId, Guid receivedEmailId, string messageId, Guid threadId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO inbox_replies (email_id, team_id, received_email_id, message_id, created_at)
            VALUES (@EmailId, @TeamId, @ReceivedEmailId, @MessageId, @Now)
            """,
            new { EmailId = emailId, TeamId = teamId, ReceivedEmailId = receivedEmailId, MessageId = messageId, Now = now }, transaction, cancellationToken: cancellationToken));
        await InboxRepository.RegisterThreadMessageAsync(connection, transaction, teamId, messageId, threadId, now, cancellationToken);
    }

    /// <summary>The replies sent to the emails of a thread, oldest first; empty when the thread is unknown or another team's.</summary>
    public async Task<IReadOnlyList<SentReply>> ListForThreadAsync(Guid teamId, Guid threadId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SentReply>(new CommandDefinition(
            """
            SELECT r.email_id, r.received_email_id AS in_reply_to_email_id, r.message_id, e.from_address AS "from", e.to_addresses AS "to", e.subject, e.status, r.created_at
            FROM inbox_replies r
            JOIN received_emails re ON re.id = r.received_email_id AND re.team_id = r.team_id
            JOIN emails e ON e.id = r.email_id AND e.team_id = r.team_id
            WHERE r.team_id = @TeamId
              AND re.thread_id = @ThreadId
            ORDER BY r.created_at, r.email_id
            """,
            new { TeamId = teamId, ThreadId = threadId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>The replies sent to one received email, oldest first; empty when it is unknown or another team's.</summary>
    public async Task<IReadOnlyList<SentReply>> ListForEmailAsync(Guid teamId, Guid receivedEmailId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SentReply>(new CommandDefinition(
            """
            SELECT r.email_id, r.received_email_id AS in_reply_to_email_id, r.message_id, e.from_address AS "from", e.to_addresses AS "to", e.subject, e.status, r.created_at
            FROM inbox_replies r
            JOIN emails e ON e.id = r.email_id AND e.team_id = r.team_id
            WHERE r.team_id = @TeamId
              AND r.received_email_id = @ReceivedEmailId
            ORDER BY r.created_at, r.email_id
            """,
            new { TeamId = teamId, ReceivedEmailId = receivedEmailId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }
}

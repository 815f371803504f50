using Moosermail.Core.Inbox;
using Moosermail.Core.Senders;
using Npgsql;

namespace Moosermail.Core.Drafts;

/// <summary>
/// What every reply sent from Moosermail shares (POST /api/inbox/{id}/reply, a reply draft, a pipe's auto-reply): the
/// threading headers (In-Reply-To, References) plus a Message-ID of its own, and the link written in the accept
/// transaction that registers that Message-ID in the thread, so an answer naming only the reply joins the thread.
/// </summary>
public sealed record ThreadedReply(Guid ReceivedEmailId, Guid ThreadId, string MessageId, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>A reply to <paramref name="receivedEmailId"/> sent from <paramref name="from"/> (else the team's default sender).</summary>
    public static ThreadedReply For(Guid receivedEmailId, ReplyThreading threading, string? from, IReadOnlyList<Sender> senders)
    {
        var messageId = ReplyComposer.MessageId(from, senders);
        var headers = new Dictionary<string, string>(ReplyComposer.Headers(threading), StringComparer.OrdinalIgnoreCase) { ["Message-ID"] = messageId };
        return new ThreadedReply(receivedEmailId, threading.ThreadId, messageId, headers);
    }

    /// <summary>Inside the accept transaction: links the sent email <paramref name="emailId"/> to the received one and its thread.</summary>
    public Task LinkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid teamId, Guid emailId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReplyRepository.LinkAsync(connection, transaction, teamId, emailId, ReceivedEmailId, MessageId, ThreadId, now, cancellationToken);
}

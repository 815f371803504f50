using System.Text.Json;

namespace Moosermail.Core.Inbox;

/// <summary>Where a received email's content is: still to fetch from Resend, fetched, or given up on.</summary>
public static class ContentState
{
    public const string Pending = "pending";
    public const string Fetched = "fetched";
    public const string Failed = "failed";
}

/// <summary>An attachment as Resend describes it; the bytes stay at Resend and are streamed per request.</summary>
public sealed record ReceivedAttachment
{
    public string Id { get; init; } = string.Empty;

    public string? Filename { get; init; }

    public string? ContentType { get; init; }

    public string? ContentDisposition { get; init; }

    public string? ContentId { get; init; }

    public long? Size { get; init; }
}

/// <summary>A row of the inbox list: no bodies, a short snippet of the text.</summary>
public record ReceivedEmailSummary
{
    public Guid Id { get; init; }

    public Guid ThreadId { get; init; }

    public string ResendId { get; init; } = string.Empty;

    public string From { get; init; } = string.Empty;

    public string[] To { get; init; } = [];

    public string[] Cc { get; init; } = [];

    public string Subject { get; init; } = string.Empty;

    public string? Snippet { get; init; }

    public bool Read { get; init; }

    public bool Archived { get; init; }

    public bool Hidden { get; init; }

    public string[] Labels { get; init; } = [];

    public int AttachmentCount { get; init; }

    public string ContentState { get; init; } = Inbox.ContentState.Pending;

    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Creation order over all teams: pipes walk new mail by it.</summary>
    public long Seq { get; init; }
}

/// <summary>One received email with its content (null bodies until <see cref="ReceivedEmailSummary.ContentState"/> is fetched).</summary>
public sealed record ReceivedEmail : ReceivedEmailSummary
{
    public string[] ReplyTo { get; init; } = [];

    public string? MessageId { get; init; }

    public string? InReplyTo { get; init; }

    /// <summary>The References header's Message-IDs, oldest first.</summary>
    public string[] References { get; init; } = [];

    public string? Text { get; init; }

    public string? Html { get; init; }

    /// <summary>The headers Resend reported (an object), or null before the content is fetched.</summary>
    public JsonElement? Headers { get; init; }

    public IReadOnlyList<ReceivedAttachment> Attachments { get; init; } = [];

    public int FetchAttempts { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? FetchedAt { get; init; }

    /// <summary>The sender whose Resend key found or read the email (its attachments are read with it too).</summary>
    public Guid? SenderId { get; init; }
}

/// <summary>
/// Filters of GET /api/inbox, all optional. <see cref="IncludeHidden"/> false leaves hidden mail out;
/// <see cref="Search"/> is websearch syntax over from, subject and text.
/// </summary>
public sealed record InboxQuery
{
    public string? Cursor { get; init; }

    public int Limit { get; init; } = 50;

    public bool? Unread { get; init; }

    public string? Search { get; init; }

    public string? From { get; init; }

    public string? Label { get; init; }

    public Guid? Thread { get; init; }

    public bool IncludeHidden { get; init; }

    public bool? Archived { get; init; }
}

public sealed record InboxPage(IReadOnlyList<ReceivedEmailSummary> Data, string? NextCursor);

/// <summary>PATCH /api/inbox/{id}: only the fields present change.</summary>
public sealed record InboxUpdate(bool? Read, bool? Archived, bool? Hidden, IReadOnlyList<string>? Labels);

/// <summary>A thread: its emails oldest first, and the replies sent from Moosermail to them (oldest first).</summary>
public sealed record InboxThread(Guid Id, string Subject, IReadOnlyList<ReceivedEmailSummary> Emails)
{
    public IReadOnlyList<Drafts.SentReply> Replies { get; init; } = [];
}

/// <summary>
/// How to thread a reply to a stored email: <see cref="InReplyTo"/> is its Message-ID and <see cref="References"/>
/// its References plus its Message-ID (RFC 5322 §3.6.4). Register the reply's own Message-ID with
/// <see cref="InboxRepository.RegisterThreadMessageAsync"/> so answers to the reply join <see cref="ThreadId"/>.
/// </summary>
public sealed record ReplyThreading(Guid ThreadId, string? InReplyTo, IReadOnlyList<string> References, string Subject)
{
    /// <summary>The References header value: the ids in angle brackets, separated by spaces; null when there are none.</summary>
    public string? ReferencesHeader => References.Count == 0 ? null : string.Join(' ', References);

    /// <summary>How to thread a reply to an email with this Message-ID and References (its own id last, at most <see cref="MailHeaders.MaxIds"/>).</summary>
    public static ReplyThreading For(Guid threadId, string? messageId, IEnumerable<string> references, string subject)
    {
        var ids = references.Where(x => x != messageId).ToList();
        if (messageId is not null)
        {
            ids.Add(messageId);
        }

        return new ReplyThreading(threadId, messageId, ids.TakeLast(MailHeaders.MaxIds).ToList(), subject);
    }

    /// <summary>How to thread a reply to <paramref name="email"/> as it was read.</summary>
    public static ReplyThreading For(ReceivedEmail email) => For(email.ThreadId, email.MessageId, email.References, email.Subject);
}

/// <summary>What the email.received event (or the backfill's list) tells about an email before its content is fetched.</summary>
public sealed record NewReceivedEmail(
    Guid TeamId,
    string ResendId,
    string From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    string Subject,
    string? MessageId,
    IReadOnlyList<ReceivedAttachment> Attachments,
    DateTimeOffset? ReceivedAt)
{
    /// <summary>The sender whose key listed it (the backfill), so the content job reads it with that key first.</summary>
    public Guid? SenderId { get; init; }
}

using System.Text.Json;

namespace Moosermail.Core.Drafts;

/// <summary>
/// POST /api/inbox/{id}/reply. The recipients, subject and threading headers come from the received email; the
/// caller gives the text (<see cref="Body"/> or <see cref="Text"/>) and/or <see cref="Html"/>, optional extra
/// <see cref="Cc"/>, <see cref="ReplyAll"/> to answer the other recipients too, and optionally which of the team's
/// senders answers (by default the one the email was sent to, else the team's default). The received email is quoted
/// below the reply unless <see cref="Quote"/> is false.
/// </summary>
public sealed record ReplyInput
{
    public string? Body { get; init; }

    public string? Text { get; init; }

    public string? Html { get; init; }

    public JsonElement? Cc { get; init; }

    public bool? ReplyAll { get; init; }

    public string? From { get; init; }

    /// <summary>False leaves the received email out; by default it is quoted under the reply (text and html).</summary>
    public bool? Quote { get; init; }
}

/// <summary>A reply sent from Moosermail, as a thread shows it: the send-log email and the received email it answers.</summary>
public sealed record SentReply
{
    public Guid EmailId { get; init; }

    public Guid InReplyToEmailId { get; init; }

    /// <summary>The reply's own Message-ID header; an answer naming it joins the thread.</summary>
    public string? MessageId { get; init; }

    public string From { get; init; } = string.Empty;

    public string[] To { get; init; } = [];

    public string Subject { get; init; } = string.Empty;

    public string Status { get; init; } = string.Empty;

    public DateTimeOffset CreatedAt { get; init; }
}

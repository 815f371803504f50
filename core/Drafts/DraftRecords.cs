using System.Text.Json;

namespace Moosermail.Core.Drafts;

/// <summary>
/// The body of POST /api/drafts and PUT /api/drafts/{id}. Recipients as /api/send takes them (a string, a
/// comma-separated string or an array). On PUT a field left out (or null) keeps its value; "" or [] clears it.
/// </summary>
public sealed record DraftInput
{
    public JsonElement? To { get; init; }

    public JsonElement? Cc { get; init; }

    public JsonElement? Bcc { get; init; }

    public string? From { get; init; }

    public string? Subject { get; init; }

    /// <summary>Plain text, as /api/send names it.</summary>
    public string? Body { get; init; }

    public string? Text { get; init; }

    public string? Html { get; init; }

    /// <summary>Makes the draft a reply to this received email (GET /api/inbox/{id}); set on create only.</summary>
    public Guid? ReplyToInboxId { get; init; }

    /// <summary>A reply draft quotes the email it answers when sent; false leaves it out.</summary>
    public bool? Quote { get; init; }
}

/// <summary>A stored draft. <see cref="SentEmailId"/> and <see cref="SentAt"/> are set once it was sent; it cannot change after.</summary>
public sealed record Draft
{
    public Guid Id { get; init; }

    public string? From { get; init; }

    public string[] To { get; init; } = [];

    public string[] Cc { get; init; } = [];

    public string[] Bcc { get; init; } = [];

    public string Subject { get; init; } = string.Empty;

    public string? Text { get; init; }

    public string? Html { get; init; }

    public Guid? ReplyToInboxId { get; init; }

    /// <summary>For a reply draft: the email it answers is quoted below the body when it is sent.</summary>
    public bool Quote { get; init; } = true;

    public Guid? CreatedBy { get; init; }

    public Guid? SentEmailId { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

using System.Text.Json;

namespace Moosermail.Core.Sending;

/// <summary>
/// The body of POST /api/send (and each message of /api/send/batch), as the client may send it:
/// recipients as a string, a comma-separated string or an array; tags as an object or an array.
/// </summary>
public sealed record SendInput
{
    public JsonElement? To { get; init; }

    public JsonElement? Cc { get; init; }

    public JsonElement? Bcc { get; init; }

    public JsonElement? ReplyTo { get; init; }

    public string? From { get; init; }

    public Guid? SenderId { get; init; }

    public string? Subject { get; init; }

    /// <summary>Plain text, as the original product named it.</summary>
    public string? Body { get; init; }

    public string? Text { get; init; }

    public string? Html { get; init; }

    public IReadOnlyList<AttachmentInput>? Attachments { get; init; }

    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public JsonElement? Tags { get; init; }

    public DateTimeOffset? ScheduledAt { get; init; }

    public Guid? TemplateId { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Variables { get; init; }
}

public sealed record AttachmentInput(string? Filename, string? Content, string? ContentType);

public sealed record BatchInput(IReadOnlyList<SendInput>? Emails);

/// <summary>What is answered for an accepted email.</summary>
public sealed record SendResult
{
    public Guid Id { get; init; }

    public string Status { get; init; } = string.Empty;

    public string? ResendId { get; init; }

    public DateTimeOffset? ScheduledAt { get; init; }

    public string? Error { get; init; }
}

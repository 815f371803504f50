using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moosermail.Core.Resend;

/// <summary>A sent email as Resend reports it. <c>GET /emails</c> leaves out html, text and tags.</summary>
public sealed record ResendEmail
{
    public required string Id { get; init; }
    public string? From { get; init; }
    public IReadOnlyList<string> To { get; init; } = [];
    public IReadOnlyList<string>? Cc { get; init; }
    public IReadOnlyList<string>? Bcc { get; init; }
    public IReadOnlyList<string>? ReplyTo { get; init; }
    public string? Subject { get; init; }
    public string? Html { get; init; }
    public string? Text { get; init; }
    public string? LastEvent { get; init; }
    public IReadOnlyList<ResendTag>? Tags { get; init; }

    [JsonConverter(typeof(ResendTimestampConverter))]
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonConverter(typeof(ResendTimestampConverter))]
    public DateTimeOffset? ScheduledAt { get; init; }
}

/// <summary>
/// An inbound email. The list leaves out html, text and headers. <see cref="Headers"/> is kept as JSON: Resend
/// reports an object whose values are strings (or, for repeated headers, arrays of strings).
/// </summary>
public sealed record ResendReceivedEmail
{
    public required string Id { get; init; }
    public string? From { get; init; }
    public IReadOnlyList<string> To { get; init; } = [];
    public IReadOnlyList<string>? Cc { get; init; }
    public IReadOnlyList<string>? Bcc { get; init; }
    public IReadOnlyList<string>? ReplyTo { get; init; }
    public string? Subject { get; init; }
    public string? MessageId { get; init; }
    public string? Html { get; init; }
    public string? Text { get; init; }
    public JsonElement? Headers { get; init; }
    public IReadOnlyList<ResendReceivedAttachment>? Attachments { get; init; }

    [JsonConverter(typeof(ResendTimestampConverter))]
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>An inbound email's attachment; <see cref="DownloadUrl"/> (signed, short-lived) only from the attachment endpoints.</summary>
public sealed record ResendReceivedAttachment
{
    public string Id { get; init; } = string.Empty;
    public string? Filename { get; init; }
    public string? ContentType { get; init; }
    public string? ContentId { get; init; }
    public string? ContentDisposition { get; init; }
    public long? Size { get; init; }
    public string? DownloadUrl { get; init; }

    [JsonConverter(typeof(ResendTimestampConverter))]
    public DateTimeOffset? ExpiresAt { get; init; }
}

public sealed record ResendDomain
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public string? Status { get; init; }
    public string? Region { get; init; }
}

/// <summary>A page of a cursor-paginated list; pass the last item's id as <see cref="ResendPage.After"/>.</summary>
public sealed record ResendList<T>(IReadOnlyList<T> Data, bool HasMore);

/// <summary>Cursor pagination: <see cref="Limit"/> 1–100; <see cref="After"/> and <see cref="Before"/> exclude each other.</summary>
public sealed record ResendPage(int? Limit = null, string? After = null, string? Before = null);

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

/// <summary>An inbound email. The list leaves out html, text and headers.</summary>
public sealed record ResendReceivedEmail
{
    public required string Id { get; init; }
    public string? From { get; init; }
    public IReadOnlyList<string> To { get; init; } = [];
    public string? Subject { get; init; }
    public string? MessageId { get; init; }
    public string? Html { get; init; }
    public string? Text { get; init; }
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    [JsonConverter(typeof(ResendTimestampConverter))]
    public DateTimeOffset? CreatedAt { get; init; }
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

using System.Text.Json.Serialization;

namespace Moosermail.Core.Resend;

/// <summary>The body of <c>POST /emails</c> (and one element of a batch). Null fields are not sent.</summary>
public sealed record SendEmailRequest
{
    public required string From { get; init; }
    public required IReadOnlyList<string> To { get; init; }
    public required string Subject { get; init; }
    public string? Html { get; init; }
    public string? Text { get; init; }
    public IReadOnlyList<string>? Cc { get; init; }
    public IReadOnlyList<string>? Bcc { get; init; }
    public IReadOnlyList<string>? ReplyTo { get; init; }
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
    public IReadOnlyList<ResendAttachment>? Attachments { get; init; }
    public IReadOnlyList<ResendTag>? Tags { get; init; }

    [JsonConverter(typeof(ResendTimestampConverter))]
    public DateTimeOffset? ScheduledAt { get; init; }
}

/// <summary>An attachment: base64 <see cref="Content"/> or a public <see cref="Path"/> Resend fetches.</summary>
public sealed record ResendAttachment
{
    public string? Filename { get; init; }
    public string? Content { get; init; }
    public string? Path { get; init; }
    public string? ContentType { get; init; }
    public string? ContentId { get; init; }
}

public sealed record ResendTag(string Name, string Value);

public sealed record SendEmailResponse(string Id);

/// <summary><c>POST /emails/batch</c>: ids in request order; <see cref="Errors"/> only in permissive mode.</summary>
public sealed record BatchSendResponse(IReadOnlyList<SendEmailResponse> Data, IReadOnlyList<BatchItemError>? Errors);

public sealed record BatchItemError(int Index, string Message);

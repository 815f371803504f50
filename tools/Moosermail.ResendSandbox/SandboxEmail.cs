namespace Moosermail.ResendSandbox;

/// <summary>An accepted email. Mutable status fields are guarded by the owning account's gate.</summary>
public sealed class SandboxEmail
{
    public required string Id { get; init; }
    public required string From { get; init; }
    public required IReadOnlyList<string> To { get; init; }
    public IReadOnlyList<string>? Cc { get; init; }
    public IReadOnlyList<string>? Bcc { get; init; }
    public IReadOnlyList<string>? ReplyTo { get; init; }
    public required string Subject { get; init; }
    public string? Html { get; init; }
    public string? Text { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];
    /// <summary>The custom headers of the send body (Resend does not show them back; GET /_sandbox/emails/{id}/headers does).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ScheduledAt { get; set; }
    public string LastEvent { get; set; } = "queued";

    /// <summary>The bare address of <see cref="From"/>, without a display name.</summary>
    public string FromAddress => Addresses.Bare(From);
}

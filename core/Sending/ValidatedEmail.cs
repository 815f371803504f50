using Moosermail.Core.Resend;

namespace Moosermail.Core.Sending;

/// <summary>An email that passed validation, before its sender is chosen.</summary>
public sealed record ValidatedEmail(
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    IReadOnlyList<string> ReplyTo,
    string? From,
    Guid? SenderId,
    string Subject,
    string? Text,
    string? Html,
    IReadOnlyList<ResendAttachment> Attachments,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<ResendTag> Tags,
    DateTimeOffset? ScheduledAt)
{
    public IEnumerable<string> AllRecipients => To.Concat(Cc).Concat(Bcc);
}

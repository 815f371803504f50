using System.Text.Json;
using Moosermail.Core.Resend;

namespace Moosermail.Core.Inbox;

/// <summary>
/// Turns what Resend reports about a received email into what is stored: NUL characters removed (Postgres text and
/// jsonb refuse them), lists and lengths bounded, the threading ids parsed out of the headers.
/// </summary>
public static class ReceivedContent
{
    public const int MaxAddresses = 200;
    public const int MaxHeaderBytes = 256 * 1024;

    public static NewReceivedEmail Metadata(Guid teamId, ResendReceivedEmail email) => new(
        teamId, email.Id, Clean(email.From, 1000) ?? string.Empty, Addresses(email.To), Addresses(email.Cc), Clean(email.Subject, 2000) ?? string.Empty,
        MailHeaders.FirstMessageId(email.MessageId), Attachments(email.Attachments), email.CreatedAt);

    public static FetchedContent Content(ResendReceivedEmail email)
    {
        var messageId = MailHeaders.FirstMessageId(email.MessageId ?? MailHeaders.Find(email.Headers, "message-id"));
        var inReplyTo = MailHeaders.FirstMessageId(MailHeaders.Find(email.Headers, "in-reply-to"));
        var references = MailHeaders.MessageIds(MailHeaders.Find(email.Headers, "references"));
        return new FetchedContent(
            Clean(email.From, 1000) ?? string.Empty, Addresses(email.To), Addresses(email.Cc), Addresses(email.ReplyTo),
            Clean(email.Subject, 2000) ?? string.Empty, messageId, inReplyTo, references,
            Clean(email.Text, int.MaxValue), Clean(email.Html, int.MaxValue), Headers(email.Headers),
            JsonSerializer.Serialize(Attachments(email.Attachments), InboxJson.Options));
    }

    public static List<ReceivedAttachment> Attachments(IReadOnlyList<ResendReceivedAttachment>? attachments) =>
        (attachments ?? []).Where(a => !string.IsNullOrEmpty(a.Id)).Take(MaxAddresses).Select(a => new ReceivedAttachment
        {
            Id = Clean(a.Id, 200)!,
            Filename = Clean(a.Filename, 500),
            ContentType = Clean(a.ContentType, 200),
            ContentDisposition = Clean(a.ContentDisposition, 50),
            ContentId = Clean(a.ContentId, 500),
            Size = a.Size,
        }).ToList();

    /// <summary>Headers re-written as an object of string (or string array) values, or null when absent or too large.</summary>
    private static string? Headers(JsonElement? headers)
    {
        if (headers is not { ValueKind: JsonValueKind.Object } obj)
        {
            return null;
        }

        var clean = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            var name = Clean(property.Name, 200);
            object? value = property.Value.ValueKind switch
            {
                JsonValueKind.String => Clean(property.Value.GetString(), 64 * 1024),
                JsonValueKind.Array => property.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => Clean(v.GetString(), 64 * 1024)!).ToArray(),
                _ => null,
            };
            if (!string.IsNullOrEmpty(name) && value is not null)
            {
                clean[name] = value;
            }
        }

        var json = JsonSerializer.Serialize(clean);
        return json.Length > MaxHeaderBytes ? null : json;
    }

    private static string[] Addresses(IReadOnlyList<string>? addresses) =>
        (addresses ?? []).Select(a => Clean(a, 1000)).OfType<string>().Where(a => a.Length > 0).Take(MaxAddresses).ToArray();

    private static string? Clean(string? value, int maxLength)
    {
        if (value is null)
        {
            return null;
        }

        var clean = value.Contains('\0', StringComparison.Ordinal) ? value.Replace("\0", string.Empty, StringComparison.Ordinal) : value;
        return clean.Length > maxLength ? clean[..maxLength] : clean;
    }
}

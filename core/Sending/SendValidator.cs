using System.Text.Json;
using System.Text.RegularExpressions;
using Moosermail.Core.Errors;
using Moosermail.Core.Resend;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Sending;

/// <summary>
/// Resend's rules for one email, checked before anything is stored, so every problem is a validation failure naming
/// its field (with <c>prefix</c>, e.g. <c>emails[3].</c>, for batches) and nothing is accepted half-valid.
/// </summary>
public static partial class SendValidator
{
    public const int MaxRecipients = 50;
    public const int MaxAttachmentBytes = 10 * 1024 * 1024;
    public const int MaxSubjectLength = 998;
    public static readonly TimeSpan MaxSchedule = TimeSpan.FromDays(30);

    /// <summary>Headers the message's own fields make; given in <c>headers</c> they could contradict or smuggle recipients.</summary>
    private static readonly HashSet<string> s_fieldHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Sender", "Reply-To", "Subject", "Content-Type", "Content-Transfer-Encoding",
    };

    public static ValidatedEmail? Validate(SendInput input, DateTimeOffset now, ValidationErrors errors, string prefix = "", bool contentFromTemplate = false)
    {
        var before = errors.Count;
        var to = Recipients(input.To, $"{prefix}to", errors, required: true);
        var cc = Recipients(input.Cc, $"{prefix}cc", errors, required: false);
        var bcc = Recipients(input.Bcc, $"{prefix}bcc", errors, required: false);
        var replyTo = Recipients(input.ReplyTo, $"{prefix}reply_to", errors, required: false);
        string? from = null;
        if (!string.IsNullOrWhiteSpace(input.From) && (from = FromAddress.Normalize(input.From)) is null)
        {
            errors.Add($"{prefix}from", "must be addr@domain or Name <addr@domain>, and one of your senders.");
        }

        var subject = input.Subject?.Trim() ?? string.Empty;
        var text = input.Text ?? input.Body;
        if (!contentFromTemplate)
        {
            if (subject.Length == 0 || subject.Length > MaxSubjectLength)
            {
                errors.Add($"{prefix}subject", $"is required, at most {MaxSubjectLength} characters.");
            }
            else if (TextRules.HasLineBreak(subject))
            {
                errors.Add($"{prefix}subject", "must be one line: CR and LF would start a new mail header.");
            }

            if (string.IsNullOrEmpty(text) && string.IsNullOrEmpty(input.Html))
            {
                errors.Add($"{prefix}body", "is required: give body (plain text) and/or html.");
            }
        }

        var attachments = Attachments(input.Attachments, $"{prefix}attachments", errors);
        var headers = Headers(input.Headers, $"{prefix}headers", errors);
        var tags = Tags(input.Tags, $"{prefix}tags", errors);
        if (input.ScheduledAt is { } at && (at <= now || at > now + MaxSchedule))
        {
            errors.Add($"{prefix}scheduled_at", $"must be in the future and at most {MaxSchedule.TotalDays:0} days ahead (ISO 8601, e.g. {now.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}).");
        }

        return errors.Count > before ? null
            : new ValidatedEmail(to, cc, bcc, replyTo, from, input.SenderId, subject, NullIfEmpty(text), NullIfEmpty(input.Html), attachments, headers, tags, input.ScheduledAt);
    }

    /// <summary>Recipients as /api/send takes them (a string, comma-separated, or an array); drafts check theirs with it too.</summary>
    public static List<string> Recipients(JsonElement? value, string field, ValidationErrors errors, bool required)
    {
        var raw = new List<string>();
        switch (value)
        {
            case null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined }:
                break;
            case { ValueKind: JsonValueKind.String } single:
                raw.AddRange(single.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                break;
            case { ValueKind: JsonValueKind.Array } array when array.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                raw.AddRange(array.EnumerateArray().Select(e => e.GetString()!.Trim()));
                break;
            default:
                errors.Add(field, "must be an email address, a comma-separated string of them, or an array of them.");
                return [];
        }

        var normalized = raw.Select(FromAddress.Normalize).ToList();
        var bad = raw.Where((_, i) => normalized[i] is null).ToList();
        if (bad.Count > 0)
        {
            errors.Add(field, $"has invalid addresses: {string.Join(", ", bad.Take(5))}.");
        }
        else if (required && raw.Count == 0)
        {
            errors.Add(field, "is required: at least one recipient.");
        }
        else if (raw.Count > MaxRecipients)
        {
            errors.Add(field, $"has {raw.Count} addresses; Resend allows at most {MaxRecipients}.");
        }

        return normalized.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static List<ResendAttachment> Attachments(IReadOnlyList<AttachmentInput>? input, string field, ValidationErrors errors)
    {
        var result = new List<ResendAttachment>();
        for (var i = 0; i < (input?.Count ?? 0); i++)
        {
            var attachment = input![i];
            var buffer = new byte[(attachment.Content?.Length ?? 0) * 3 / 4 + 3];
            if (string.IsNullOrWhiteSpace(attachment.Filename) || attachment.Filename.IndexOfAny(['/', '\\', '\r', '\n']) >= 0)
            {
                errors.Add($"{field}[{i}].filename", "is required, without path separators.");
            }
            else if (string.IsNullOrEmpty(attachment.Content) || !Convert.TryFromBase64String(attachment.Content, buffer, out var size))
            {
                errors.Add($"{field}[{i}].content", "must be the file's bytes in base64.");
            }
            else if (size > MaxAttachmentBytes)
            {
                errors.Add($"{field}[{i}].content", $"is {size} bytes; each attachment may be at most {MaxAttachmentBytes} bytes.");
            }
            else if (attachment.ContentType is { } contentType && !MediaType().IsMatch(contentType))
            {
                errors.Add($"{field}[{i}].content_type", "must be a media type such as application/pdf or image/png (type/subtype, no parameters).");
            }
            else
            {
                result.Add(new ResendAttachment { Filename = attachment.Filename, Content = attachment.Content, ContentType = attachment.ContentType });
            }
        }

        return result;
    }

    private static Dictionary<string, string> Headers(IReadOnlyDictionary<string, string>? input, string field, ValidationErrors errors)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in input ?? new Dictionary<string, string>())
        {
            if (!HeaderName().IsMatch(name) || value is null || TextRules.HasLineBreak(value))
            {
                errors.Add(HeaderName().IsMatch(name) ? $"{field}.{name}" : field, "must be a header name of letters, digits and dashes with a single-line value.");
            }
            else if (s_fieldHeaders.Contains(name))
            {
                errors.Add($"{field}.{name}", "is set by its own field (from, to, cc, bcc, reply_to, subject, html/body); it cannot be given in headers.");
            }
            else
            {
                headers[name] = value;
            }
        }

        return headers;
    }

    private static List<ResendTag> Tags(JsonElement? input, string field, ValidationErrors errors)
    {
        var tags = new List<ResendTag>();
        switch (input)
        {
            case null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined }:
                return tags;
            case { ValueKind: JsonValueKind.Object } map:
                tags.AddRange(map.EnumerateObject().Select(p => new ResendTag(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())));
                break;
            case { ValueKind: JsonValueKind.Array } array:
                foreach (var item in array.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("name", out var name) || !item.TryGetProperty("value", out var value)
                        || name.ValueKind != JsonValueKind.String || value.ValueKind != JsonValueKind.String)
                    {
                        errors.Add(field, "must be an object {name: value} or an array of {name, value} strings.");
                        return [];
                    }

                    tags.Add(new ResendTag(name.GetString()!, value.GetString()!));
                }

                break;
            default:
                errors.Add(field, "must be an object {name: value} or an array of {name, value} strings.");
                return [];
        }

        if (tags.Any(t => !TagPart().IsMatch(t.Name) || !TagPart().IsMatch(t.Value)))
        {
            errors.Add(field, "names and values may use only ASCII letters, digits, _ and -, up to 256 characters (Resend's rule).");
        }

        return tags;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    [GeneratedRegex("^[A-Za-z0-9-]{1,100}$")]
    private static partial Regex HeaderName();

    /// <summary>RFC 6838 type/subtype names (restricted-name), without parameters.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$")]
    private static partial Regex MediaType();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex TagPart();
}

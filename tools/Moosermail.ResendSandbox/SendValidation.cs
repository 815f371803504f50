using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Moosermail.ResendSandbox;

/// <summary>Resend's checks on a send body (<c>POST /emails</c> or one batch item), in Resend's error shapes.</summary>
public sealed partial class SendValidation(SandboxOptions options, TimeProvider time)
{
    public (SandboxEmail? Email, ResendErrorBody? Error) Validate(JsonElement body, bool inBatch)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Fail(ResendErrorBody.Validation("The request body must be a JSON object."));
        }

        var from = Text(body, "from");
        if (string.IsNullOrWhiteSpace(from))
        {
            return Fail(ResendErrorBody.Missing("from"));
        }

        if (!Addresses.IsValid(from))
        {
            return Fail(new ResendErrorBody(422,
                "Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.",
                "invalid_from_address"));
        }

        var (to, toError) = Recipients(body, "to", required: true);
        var (cc, ccError) = Recipients(body, "cc", required: false);
        var (bcc, bccError) = Recipients(body, "bcc", required: false);
        var (replyTo, replyToError) = Recipients(body, "reply_to", required: false);
        if ((toError ?? ccError ?? bccError ?? replyToError) is { } recipientError)
        {
            return Fail(recipientError);
        }

        var subject = Text(body, "subject");
        if (string.IsNullOrEmpty(subject))
        {
            return Fail(ResendErrorBody.Missing("subject"));
        }

        var (html, text) = (Text(body, "html"), Text(body, "text"));
        if (html is null && text is null)
        {
            return Fail(ResendErrorBody.Missing("html` or `text"));
        }

        var (tags, tagError) = Tags(body);
        var (scheduledAt, scheduleError) = Schedule(body, inBatch);
        if ((tagError ?? scheduleError ?? AttachmentError(body, inBatch)) is { } error)
        {
            return Fail(error);
        }

        return (new SandboxEmail
        {
            Id = Guid.NewGuid().ToString(),
            From = from,
            To = to!,
            Cc = cc,
            Bcc = bcc,
            ReplyTo = replyTo,
            Subject = subject,
            Html = html,
            Text = text,
            Tags = tags,
            Headers = CustomHeaders(body),
            CreatedAt = time.GetUtcNow(),
            ScheduledAt = scheduledAt,
        }, null);
    }

    private (IReadOnlyList<string>? List, ResendErrorBody? Error) Recipients(JsonElement body, string field, bool required)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (null, required ? ResendErrorBody.Missing(field) : null);
        }

        string[] list = value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String) =>
                [.. value.EnumerateArray().Select(v => v.GetString()!)],
            _ => [],
        };
        if (list.Length == 0)
        {
            return (null, required ? ResendErrorBody.Missing(field) : ResendErrorBody.Validation($"Invalid `{field}` field."));
        }

        if (list.Length > options.MaxRecipients)
        {
            return (null, ResendErrorBody.Validation($"Too many recipients in `{field}`: the maximum is {options.MaxRecipients}."));
        }

        return list.All(Addresses.IsValid)
            ? (list, null)
            : (null, ResendErrorBody.Validation(
                $"Invalid `{field}` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format."));
    }

    private static Dictionary<string, string> CustomHeaders(JsonElement body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (body.TryGetProperty("headers", out var value) && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in value.EnumerateObject().Where(h => h.Value.ValueKind == JsonValueKind.String))
            {
                headers[header.Name] = header.Value.GetString()!;
            }
        }

        return headers;
    }

    private static (IReadOnlyList<KeyValuePair<string, string>> Tags, ResendErrorBody? Error) Tags(JsonElement body)
    {
        if (!body.TryGetProperty("tags", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return ([], null);
        }

        var tags = value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(t => KeyValuePair.Create(Text(t, "name") ?? string.Empty, Text(t, "value") ?? string.Empty)).ToList()
            : null;
        return tags is not null && tags.All(t => TagText().IsMatch(t.Key) && TagText().IsMatch(t.Value))
            ? (tags, null)
            : ([], ResendErrorBody.Validation("Tags must be `{ name, value }` pairs of ASCII letters, numbers, underscores or dashes, up to 256 characters each."));
    }

    private (DateTimeOffset? At, ResendErrorBody? Error) Schedule(JsonElement body, bool inBatch)
    {
        if (Text(body, "scheduled_at") is not { } value)
        {
            return (null, null);
        }

        if (inBatch)
        {
            return (null, ResendErrorBody.Validation("The `scheduled_at` field is not supported in batch emails."));
        }

        // Resend also takes natural language ("in 1 min"); the sandbox takes ISO 8601 only.
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return (null, ResendErrorBody.Validation("Invalid `scheduled_at` field. Use an ISO 8601 date, e.g. 2024-08-05T11:52:01.858Z."));
        }

        return at - time.GetUtcNow() > options.MaxScheduleAhead
            ? (null, ResendErrorBody.Validation($"`scheduled_at` can be at most {options.MaxScheduleAhead.TotalDays:0} days in the future."))
            : (at, null);
    }

    private ResendErrorBody? AttachmentError(JsonElement body, bool inBatch)
    {
        if (!body.TryGetProperty("attachments", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (inBatch)
        {
            return ResendErrorBody.Validation("The `attachments` field is not supported in batch emails.");
        }

        var items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [];
        if (items.Any(a => Text(a, "content") is null && Text(a, "path") is null))
        {
            return new ResendErrorBody(422, "Attachment must have either a `content` or `path`.", "invalid_attachment");
        }

        var size = items.Sum(a => (long)(Text(a, "content")?.Length ?? 0));
        return size > options.MaxAttachmentBytes
            ? ResendErrorBody.Validation($"Attachments exceed the maximum size of {options.MaxAttachmentBytes / (1024 * 1024)} MB per email.")
            : null;
    }

    private static (SandboxEmail?, ResendErrorBody?) Fail(ResendErrorBody error) => (null, error);

    private static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex TagText();
}

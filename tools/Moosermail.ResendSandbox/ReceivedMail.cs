using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Moosermail.ResendSandbox;

/// <summary>An inbound email as Resend keeps it: metadata, bodies, the parsed headers and attachments (bytes kept here).</summary>
public sealed record ReceivedEmail(
    string Id,
    string From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    string? Subject,
    string? Html,
    string? Text,
    string MessageId,
    string? InReplyTo,
    string? References,
    IReadOnlyDictionary<string, string> ExtraHeaders,
    IReadOnlyList<ReceivedAttachment> Attachments,
    DateTimeOffset CreatedAt)
{
    /// <summary>The headers object of GET /emails/receiving/{id}: lower-case names, string values.</summary>
    public Dictionary<string, string> Headers()
    {
        var headers = new Dictionary<string, string>(ExtraHeaders, StringComparer.OrdinalIgnoreCase)
        {
            ["from"] = From,
            ["to"] = string.Join(", ", To),
            ["message-id"] = MessageId,
            ["date"] = CreatedAt.ToString("r", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (Subject is not null)
        {
            headers["subject"] = Subject;
        }

        if (Cc.Count > 0)
        {
            headers["cc"] = string.Join(", ", Cc);
        }

        if (InReplyTo is not null)
        {
            headers["in-reply-to"] = InReplyTo;
        }

        if (References is not null)
        {
            headers["references"] = References;
        }

        return headers;
    }
}

public sealed record ReceivedAttachment(string Id, string? Filename, string ContentType, string? ContentDisposition, string? ContentId, byte[] Content);

/// <summary>
/// Builds inbound mail from POST /_sandbox/inbound and signs attachment download URLs the way Resend's CDN links work:
/// unauthenticated, valid for an hour, useless once changed.
/// </summary>
public static class ReceivedMail
{
    public static readonly TimeSpan DownloadLifetime = TimeSpan.FromHours(1);
    private static readonly byte[] s_urlKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>
    /// {"from","to":[...]|"...","cc":[...],"subject","html","text","message_id","in_reply_to","references","headers":{},
    /// "attachments":[{"filename","content_type","content" (base64),"content_id","content_disposition"}]}; null when an
    /// attachment's content is not base64.
    /// </summary>
    public static ReceivedEmail? FromInbound(JsonElement body, DateTimeOffset now)
    {
        var id = Guid.NewGuid().ToString();
        var attachments = new List<ReceivedAttachment>();
        if (body.TryGetProperty("attachments", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                byte[] content;
                try
                {
                    content = Convert.FromBase64String(Text(item, "content") ?? string.Empty);
                }
                catch (FormatException)
                {
                    return null;
                }

                attachments.Add(new ReceivedAttachment(Guid.NewGuid().ToString(), Text(item, "filename"), Text(item, "content_type") ?? "application/octet-stream",
                    Text(item, "content_disposition") ?? "attachment", Text(item, "content_id"), content));
            }
        }

        var extra = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (body.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in headers.EnumerateObject().Where(h => h.Value.ValueKind == JsonValueKind.String))
            {
                extra[header.Name.ToLowerInvariant()] = header.Value.GetString()!;
            }
        }

        return new ReceivedEmail(id, Text(body, "from") ?? "sender@example.com", Addresses(body, "to", "inbox@example.com"), Addresses(body, "cc", null),
            Text(body, "subject"), Text(body, "html"), Text(body, "text"), Text(body, "message_id") ?? $"<{id}@sandbox.resend.dev>",
            Text(body, "in_reply_to"), Text(body, "references"), extra, attachments, now);
    }

    /// <summary>The signed URL of an attachment on this sandbox's own origin (Resend's is inbound-cdn.resend.com).</summary>
    public static (string Url, DateTimeOffset ExpiresAt) DownloadUrl(HttpRequest request, string emailId, string attachmentId, DateTimeOffset now)
    {
        var expires = (now + DownloadLifetime).ToUnixTimeSeconds();
        var signature = Sign(emailId, attachmentId, expires);
        return ($"{request.Scheme}://{request.Host}/_sandbox/attachments/{emailId}/{attachmentId}?expires={expires}&signature={signature}",
            DateTimeOffset.FromUnixTimeSeconds(expires));
    }

    public static bool IsValidDownload(string emailId, string attachmentId, string? expires, string? signature, DateTimeOffset now) =>
        long.TryParse(expires, out var at) && at >= now.ToUnixTimeSeconds() && signature is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(emailId, attachmentId, at)), Encoding.ASCII.GetBytes(signature));

    public static object AttachmentView(ReceivedAttachment a, (string Url, DateTimeOffset ExpiresAt)? download) => download is { } d
        ? new
        {
            @object = "attachment",
            id = a.Id,
            filename = a.Filename,
            content_type = a.ContentType,
            content_id = a.ContentId,
            content_disposition = a.ContentDisposition,
            size = a.Content.Length,
            download_url = d.Url,
            expires_at = SandboxJson.Iso(d.ExpiresAt),
        }
        : new
        {
            id = a.Id,
            filename = a.Filename,
            content_type = a.ContentType,
            content_id = a.ContentId,
            content_disposition = a.ContentDisposition,
            size = a.Content.Length,
        };

    private static string Sign(string emailId, string attachmentId, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(s_urlKey, Encoding.UTF8.GetBytes($"{emailId}/{attachmentId}/{expires}")));

    private static string[] Addresses(JsonElement body, string name, string? fallback) =>
        body.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(v => v.GetString() ?? string.Empty).ToArray()
            : Text(body, name) is { } one ? [one] : fallback is null ? [] : [fallback];

    private static string? Text(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

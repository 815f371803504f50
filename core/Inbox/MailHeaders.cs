using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Moosermail.Core.Inbox;

/// <summary>
/// The few header rules threading needs: Message-IDs out of Message-ID / In-Reply-To / References (RFC 5322
/// §3.6.4, msg-id in angle brackets) and the subject key of the fallback. Hand-written: MimeKit parses whole
/// messages, while here only three already-unfolded header values arrive from Resend's JSON.
/// </summary>
public static partial class MailHeaders
{
    public const int MaxIds = 100;
    public const int MaxIdLength = 998;

    /// <summary>The Message-IDs in a header value, in order, each as <c>&lt;id&gt;</c>; a bare id without brackets is wrapped.</summary>
    public static IReadOnlyList<string> MessageIds(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        var ids = AngleIds().Matches(value).Select(m => m.Value).ToList();
        if (ids.Count == 0 && value.Trim() is { Length: > 0 } bare && !bare.Any(c => char.IsWhiteSpace(c) || c is '<' or '>'))
        {
            ids.Add($"<{bare}>");
        }

        return ids.Where(id => id.Length is > 2 and <= MaxIdLength).Distinct(StringComparer.Ordinal).Take(MaxIds).ToList();
    }

    /// <summary>The first Message-ID in a header value, or null.</summary>
    public static string? FirstMessageId(string? value) => MessageIds(value) is { Count: > 0 } ids ? ids[0] : null;

    /// <summary>The value of a header in Resend's headers object, case-insensitively; arrays give their first string.</summary>
    public static string? Find(JsonElement? headers, string name)
    {
        if (headers is not { ValueKind: JsonValueKind.Object } obj)
        {
            return null;
        }

        foreach (var property in obj.EnumerateObject())
        {
            if (!string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            return property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Array => property.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()).FirstOrDefault(),
                _ => null,
            };
        }

        return null;
    }

    /// <summary>True when the subject starts with a reply or forward prefix (Re:, Fwd:, AW:, …).</summary>
    public static bool IsReplySubject(string? subject) => subject is not null && ReplyPrefix().IsMatch(subject);

    /// <summary>The subject without reply/forward prefixes, lower-cased, whitespace collapsed: the fallback's thread key.</summary>
    public static string SubjectKey(string? subject)
    {
        var rest = subject ?? string.Empty;
        while (ReplyPrefix().Match(rest) is { Success: true } match)
        {
            rest = rest[match.Length..];
        }

        var key = new StringBuilder();
        foreach (var word in rest.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            key.Append(key.Length == 0 ? string.Empty : " ").Append(word.ToLowerInvariant());
        }

        return key.Length > 500 ? key.ToString(0, 500) : key.ToString();
    }

    [GeneratedRegex(@"<[^<>\s]+>")]
    private static partial Regex AngleIds();

    [GeneratedRegex(@"^\s*(re|fwd?|aw|wg|sv|vs|antw|tr)(\[\d+\])?\s*:\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReplyPrefix();
}

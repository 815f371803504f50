using System.Text.Json;

namespace Moosermail.Core.Webhooks;

/// <summary>The <c>data</c> of an <c>email.*</c> webhook, read tolerantly: every field may be absent.</summary>
public sealed record ResendEmailEventData
{
    public string? EmailId { get; init; }
    public string? From { get; init; }
    public IReadOnlyList<string> To { get; init; } = [];
    public string? Subject { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    public string? BounceType { get; init; }
    public string? BounceSubType { get; init; }
    public string? BounceMessage { get; init; }
    public string? FailedReason { get; init; }

    internal static ResendEmailEventData Read(JsonElement data) => new()
    {
        EmailId = Text(data, "email_id"),
        From = Text(data, "from"),
        To = Strings(data, "to"),
        Subject = Text(data, "subject"),
        CreatedAt = ResendWebhookEvent.ParseTime(data, "created_at"),
        Tags = ReadTags(data),
        BounceType = Nested(data, "bounce", "type"),
        BounceSubType = Nested(data, "bounce", "subType"),
        BounceMessage = Nested(data, "bounce", "message"),
        FailedReason = Nested(data, "failed", "reason"),
    };

    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Nested(JsonElement parent, string name, string inner) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? Text(value, inner) : null;

    private static string[] Strings(JsonElement parent, string name) =>
        !parent.TryGetProperty(name, out var value) ? []
        : value.ValueKind == JsonValueKind.String ? [value.GetString()!]
        : value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray()
            : [];

    // Current payloads carry tags as {"name":"value"}; older ones as [{"name":..,"value":..}]. Accept both.
    private static Dictionary<string, string> ReadTags(JsonElement data)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!data.TryGetProperty("tags", out var value))
        {
            return tags;
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var tag in value.EnumerateObject())
            {
                tags[tag.Name] = tag.Value.ValueKind == JsonValueKind.String ? tag.Value.GetString()! : tag.Value.GetRawText();
            }
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var tag in value.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.Object))
            {
                if (Text(tag, "name") is { } name)
                {
                    tags[name] = Text(tag, "value") ?? string.Empty;
                }
            }
        }

        return tags;
    }
}

using System.Globalization;
using System.Text.Json;

namespace Moosermail.Core.Webhooks;

/// <summary>
/// One Resend webhook: its <c>type</c>, when it was emitted and its <c>data</c> kept raw, plus the typed view of
/// <c>data</c> for email events. Unknown types parse too (<see cref="Email"/> is null) so new events never fail.
/// </summary>
public sealed record ResendWebhookEvent(string Type, DateTimeOffset? CreatedAt, JsonElement Data, ResendEmailEventData? Email)
{
    public bool IsEmailEvent => Email is not null;

    /// <summary>
    /// Parses a verified body. Property order is not fixed (Resend puts <c>type</c> last), so the envelope is read
    /// first and <c>data</c> afterwards. Returns null when the body is not a JSON object with a string <c>type</c>.
    /// </summary>
    public static ResendWebhookEvent? TryParse(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var data = root.TryGetProperty("data", out var d) ? d.Clone() : default;
            var typeName = type.GetString()!;
            var email = typeName.StartsWith("email.", StringComparison.Ordinal) && data.ValueKind == JsonValueKind.Object
                ? ResendEmailEventData.Read(data)
                : null;
            return new ResendWebhookEvent(typeName, ParseTime(root, "created_at"), data, email);
        }
    }

    internal static DateTimeOffset? ParseTime(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;
}

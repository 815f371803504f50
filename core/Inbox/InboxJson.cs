using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moosermail.Core.Inbox;

/// <summary>How the inbox stores its jsonb columns (attachment metadata): snake_case, as the API shows them.</summary>
internal static class InboxJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

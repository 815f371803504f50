using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moosermail.Core.Sending;

/// <summary>The API's JSON (snake_case), for answers core must store verbatim, such as idempotent replays.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}

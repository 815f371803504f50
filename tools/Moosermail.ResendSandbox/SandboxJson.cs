using System.Globalization;
using System.Text.Json;

namespace Moosermail.ResendSandbox;

internal static class SandboxJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        // Resend writes backticks and angle brackets literally ("Missing `to` field.").
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }

    /// <summary>REST responses use Postgres' text form, e.g. "2023-04-03 22:13:42.674981+00", as Resend does.</summary>
    public static string Rest(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00";

    /// <summary>Webhook payloads use ISO 8601 with Z.</summary>
    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static IResult Raw(int status, byte[] json) =>
        Results.Text(System.Text.Encoding.UTF8.GetString(json), "application/json", System.Text.Encoding.UTF8, status);

    public static async Task<(JsonDocument? Document, byte[] Bytes)> ReadAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var bytes = buffer.ToArray();
        try
        {
            return (JsonDocument.Parse(bytes), bytes);
        }
        catch (JsonException)
        {
            return (null, bytes);
        }
    }
}

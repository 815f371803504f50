using System.Text.Encodings.Web;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using Moosermail.Core.Errors;
using Moosermail.Core.Sending;

namespace Moosermail.Functions.Mcp;

/// <summary>
/// Tool results as a model reads them: compact snake_case JSON or plain text in one text block. The JSON uses the
/// relaxed encoder, so a quote, an apostrophe, &lt;, &gt;, &amp; or a non-ASCII letter stays itself instead of a
/// \u0022-style escape (the text is read by a model inside a JSON-RPC message, never put into HTML).
/// </summary>
public static class McpResults
{
    public static readonly JsonSerializerOptions Json = new(ApiJson.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static CallToolResult Data(object value) => Text(JsonSerializer.Serialize(value, Json));

    public static CallToolResult Text(string text) => new() { Content = [new TextContentBlock { Text = text }] };

    public static CallToolResult Error(string text) => new() { Content = [new TextContentBlock { Text = text }], IsError = true };

    /// <summary>An outcome the core raised (refusal, validation, not found, ...) as an error result naming each field.</summary>
    public static CallToolResult Error(OutcomeException problem) =>
        Error(problem.Errors is { Count: > 0 } errors
            ? $"{problem.Message} {string.Join(" ", errors.SelectMany(e => e.Value.Select(message => $"{ArgumentName(e.Key)}: {message}")))}"
            : problem.Message);

    /// <summary>The core names the REST header; the tool's argument is idempotency_key.</summary>
    private static string ArgumentName(string field) => field == IdempotencyKeys.Header ? "idempotency_key" : field;
}

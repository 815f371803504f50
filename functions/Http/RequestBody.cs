using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moosermail.Core.Errors;

namespace Moosermail.Functions.Http;

/// <summary>
/// Reads a JSON request body into a request record, turning every way it can be wrong into a 4xx: another
/// media type is a 415 (a cross-site text/plain form post is never parsed as JSON), too large a 413, bad
/// JSON, too deep nesting, a wrong type, NUL or a lone surrogate a 400 naming the field.
/// </summary>
public static class RequestBody
{
    public const int DefaultMaxBytes = 1024 * 1024;

    /// <summary>Deeper than any request record; a deeper document is refused before it is bound.</summary>
    public const int MaxDepth = 32;

    /// <exception cref="OutcomeException">415, 413 or 400 as above.</exception>
    public static async Task<T> ReadJsonAsync<T>(this HttpRequest request, CancellationToken cancellationToken, int maxBytes = DefaultMaxBytes)
        where T : class =>
        await ReadOptionalJsonAsync<T>(request, cancellationToken, maxBytes)
            ?? throw new InvalidRequestException("The request body is empty; send a JSON object with Content-Type: application/json.");

    /// <summary>As <see cref="ReadJsonAsync{T}"/>, but a request without a body (and without a Content-Type) gives null.</summary>
    public static async Task<T?> ReadOptionalJsonAsync<T>(this HttpRequest request, CancellationToken cancellationToken, int maxBytes = DefaultMaxBytes)
        where T : class
    {
        var mediaType = BodyReader.MediaType(request);
        if (mediaType is null && request.ContentLength is null or 0 && !request.Headers.ContainsKey("Transfer-Encoding"))
        {
            return null;
        }

        if (!BodyReader.IsJson(mediaType))
        {
            throw new UnsupportedMediaTypeException($"This route reads JSON: send the body with Content-Type: application/json{(mediaType is null ? string.Empty : $", not {mediaType}")}.");
        }

        var bytes = await BodyReader.ReadAsync(request, maxBytes, $"The request body is larger than {maxBytes} bytes.", cancellationToken);
        if (bytes.Length == 0)
        {
            return null;
        }

        using var document = Parse(bytes);
        JsonTextGuard.Check(document.RootElement);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestException($"The request body must be a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return document.RootElement.Deserialize<T>(options)
                ?? throw new InvalidRequestException("The request body must be a JSON object, not null.");
        }
        catch (JsonException ex)
        {
            // The document is valid JSON, so what failed is a member's type (or a value out of its type's range).
            var field = ex.Path?.TrimStart('$', '.') is { Length: > 0 } path ? path : "body";
            throw new ValidationFailedException(field, "has the wrong type for this field.");
        }
    }

    /// <exception cref="InvalidRequestException">Not JSON, or nested deeper than <see cref="MaxDepth"/>.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new InvalidRequestException($"The request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}), or is nested deeper than {MaxDepth} levels. Send a JSON object.");
        }
    }
}

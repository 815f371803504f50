using Microsoft.AspNetCore.Http;
using Moosermail.Core.Errors;

namespace Moosermail.Functions.Http;

/// <summary>
/// The one size-limited reader of request bodies (JSON, raw webhook bodies, CSV, MCP). It refuses a
/// declared Content-Length over the cap before reading, and counts the bytes as they arrive, so a chunked
/// body (no Content-Length) or a lying one cannot make the app buffer more than the cap.
/// </summary>
public static class BodyReader
{
    private const int ChunkBytes = 16 * 1024;

    /// <exception cref="PayloadTooLargeException">The body is (or would become) larger than <paramref name="maxBytes"/>.</exception>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, int maxBytes, string tooLargeDetail, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw new PayloadTooLargeException(tooLargeDetail);
        }

        using var buffer = new MemoryStream(capacity: (int)Math.Min(request.ContentLength ?? ChunkBytes, maxBytes));
        var chunk = new byte[ChunkBytes];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new PayloadTooLargeException(tooLargeDetail);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The request's media type (lower case, no parameters), or null when it sent none.</summary>
    public static string? MediaType(HttpRequest request) =>
        request.GetTypedHeaders().ContentType?.MediaType.Value?.ToLowerInvariant();

    /// <summary>application/json or any application/*+json type.</summary>
    public static bool IsJson(string? mediaType) =>
        mediaType is "application/json"
        || (mediaType is not null && mediaType.StartsWith("application/", StringComparison.Ordinal) && mediaType.EndsWith("+json", StringComparison.Ordinal));
}

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moosermail.Core.Errors;

namespace Moosermail.Functions.Http;

/// <summary>Reads a JSON request body into a request record, turning every way it can be wrong into a 400.</summary>
public static class RequestBody
{
    public const int DefaultMaxBytes = 1024 * 1024;

    /// <exception cref="OutcomeException">The body is missing, too large, not JSON, or has a field of the wrong type.</exception>
    public static async Task<T> ReadJsonAsync<T>(this HttpRequest request, CancellationToken cancellationToken, int maxBytes = DefaultMaxBytes)
        where T : class
    {
        if (request.ContentLength > maxBytes)
        {
            throw new PayloadTooLargeException($"The request body is larger than {maxBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        await CopyWithLimitAsync(request.Body, buffer, maxBytes, cancellationToken);
        if (buffer.Length == 0)
        {
            throw new InvalidRequestException("The request body is empty; send a JSON object with Content-Type: application/json.");
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), options)
                ?? throw new InvalidRequestException("The request body must be a JSON object, not null.");
        }
        catch (JsonException ex) when (ex.Path is { Length: > 1 } path && ex.InnerException is null && ex.LineNumber is null)
        {
            throw new ValidationFailedException(path.TrimStart('$', '.'), "has the wrong type for this field.");
        }
        catch (JsonException ex) when (ex.Path is { Length: > 1 } path && ex.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            throw new ValidationFailedException(path.TrimStart('$', '.'), "has the wrong type for this field.");
        }
        catch (JsonException ex)
        {
            throw new InvalidRequestException($"The request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}). Send a JSON object.");
        }
    }

    private static async Task CopyWithLimitAsync(Stream source, Stream destination, int maxBytes, CancellationToken cancellationToken)
    {
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (destination.Length + read > maxBytes)
            {
                throw new PayloadTooLargeException($"The request body is larger than {maxBytes} bytes.");
            }

            await destination.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }
    }
}

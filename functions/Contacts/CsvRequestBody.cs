using System.Text;
using Microsoft.AspNetCore.Http;
using Moosermail.Core.Errors;

namespace Moosermail.Functions.Contacts;

/// <summary>Reads a text/csv request body of at most <c>maxBytes</c> as UTF-8 (a BOM is dropped).</summary>
public static class CsvRequestBody
{
    /// <exception cref="OutcomeException">415 when it is not text/csv, 413 when it is too large, 400 when empty.</exception>
    public static async Task<TextReader> ReadCsvAsync(this HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (!string.Equals(request.GetTypedHeaders().ContentType?.MediaType.Value, "text/csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnsupportedMediaTypeException("Send the CSV as the request body with Content-Type: text/csv.");
        }

        var tooLarge = new PayloadTooLargeException($"The CSV is larger than {maxBytes / (1024 * 1024)} MB; split it into smaller files.");
        if (request.ContentLength > maxBytes)
        {
            throw tooLarge;
        }

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw tooLarge;
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }

        if (buffer.Length == 0)
        {
            throw new InvalidRequestException("The request body is empty; send the CSV with a header row (email,name,tags).");
        }

        buffer.Position = 0;
        return new StreamReader(buffer, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
    }
}

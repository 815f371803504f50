using System.Text;
using Microsoft.AspNetCore.Http;
using Moosermail.Core.Errors;
using Moosermail.Core.Validation;
using Moosermail.Functions.Http;

namespace Moosermail.Functions.Contacts;

/// <summary>Reads a text/csv request body of at most <c>maxBytes</c> as strict UTF-8 (a BOM is dropped).</summary>
public static class CsvRequestBody
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="OutcomeException">415 when it is not text/csv, 413 when it is too large, 400 when empty, not UTF-8, or a cell holds NUL.</exception>
    public static async Task<TextReader> ReadCsvAsync(this HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (BodyReader.MediaType(request) != "text/csv")
        {
            throw new UnsupportedMediaTypeException("Send the CSV as the request body with Content-Type: text/csv.");
        }

        var bytes = await BodyReader.ReadAsync(request, maxBytes, $"The CSV is larger than {maxBytes / (1024 * 1024)} MB; split it into smaller files.", cancellationToken);
        if (bytes.Length == 0)
        {
            throw new InvalidRequestException("The request body is empty; send the CSV with a header row (email,name,tags).");
        }

        string text;
        try
        {
            var span = bytes.Span;
            text = s_strictUtf8.GetString(span.StartsWith("\uFEFF"u8) ? span[3..] : span);
        }
        catch (DecoderFallbackException)
        {
            throw new ValidationFailedException("csv", "is not UTF-8 text; save the file as UTF-8 and send it again.");
        }

        // Strict UTF-8 cannot carry a lone surrogate, so NUL is the one character left for TextRules to refuse.
        if (TextRules.Problem(text) is { } problem)
        {
            var row = text.AsSpan(0, Math.Max(0, text.IndexOf('\0', StringComparison.Ordinal))).Count('\n') + 1;
            throw new ValidationFailedException($"csv row {row}", $"has a cell that {problem}");
        }

        return new StringReader(text);
    }
}

using System.Globalization;
using System.Text.Json;

namespace Moosermail.Core.Resend;

/// <summary>Turns a Resend response into a result: the JSON value, or the error body read tolerantly.</summary>
internal static class ResendResponseReader
{
    public static async Task<ResendResult<T>> ReadAsync<T>(HttpResponseMessage response, TimeProvider time, CancellationToken cancellationToken)
        where T : class
    {
        var rateLimit = RateLimit(response, time);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return TryDeserialize<T>(body) is { } value
                ? ResendResult<T>.Success(value, rateLimit)
                // Accepted but unreadable: retrying with the same idempotency key is safe and answers again.
                : ResendResult<T>.Failure(new ResendError((int)response.StatusCode, "invalid_response",
                    "Resend answered with a body that could not be read.", true, null), rateLimit);
        }

        var (name, message) = ErrorBody(body);
        var retryAfter = rateLimit.RetryAfter ?? ((int)response.StatusCode == 429 ? rateLimit.Reset : null);
        return ResendResult<T>.Failure(ResendError.FromResponse(response.StatusCode, name, message, retryAfter), rateLimit);
    }

    private static T? TryDeserialize<T>(byte[] body)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, ResendJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A CDN or proxy in front of Resend may answer with HTML or plain text; then only the status is known.
    private static (string? Name, string? Message) ErrorBody(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object ? (Text(root, "name"), Text(root, "message")) : (null, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ResendRateLimit RateLimit(HttpResponseMessage response, TimeProvider time)
    {
        var retry = response.Headers.RetryAfter;
        TimeSpan? retryAfter = retry?.Delta ?? (retry?.Date is { } date ? Max(date - time.GetUtcNow()) : null);
        return new ResendRateLimit(
            Number(response, "ratelimit-limit"),
            Number(response, "ratelimit-remaining"),
            Number(response, "ratelimit-reset") is { } reset ? TimeSpan.FromSeconds(reset) : null,
            retryAfter,
            response.Headers.TryGetValues("ratelimit-policy", out var policy) ? policy.FirstOrDefault() : null);
    }

    private static TimeSpan Max(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;

    private static int? Number(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values)
        && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;
}

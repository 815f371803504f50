using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Moosermail.Core.Errors;

namespace Moosermail.Functions.Pipeline;

/// <summary>Writes RFC 9457 problem details (application/problem+json).</summary>
public static class ProblemResponse
{
    /// <summary>Every 429 says in words how long to wait, not only in the Retry-After header.</summary>
    private static string WithWait(ApiProblemException problem) =>
        problem.Status == StatusCodes.Status429TooManyRequests && RetryAfterSeconds(problem) is { } wait
            && !problem.Message.Contains("Retry after", StringComparison.Ordinal)
            ? $"{problem.Message} Retry after {wait} second{(wait == 1 ? string.Empty : "s")}."
            : problem.Message;

    private static int? RetryAfterSeconds(ApiProblemException problem) =>
        problem.Headers.TryGetValue("Retry-After", out var value) && int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : null;

    public const string ContentType = "application/problem+json";

    public static async Task WriteAsync(HttpContext http, ApiProblemException problem, string correlationId)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = $"https://httpstatuses.io/{problem.Status}",
            ["title"] = problem.Title,
            ["status"] = problem.Status,
            ["detail"] = WithWait(problem),
            ["correlation_id"] = correlationId,
        };
        foreach (var extension in problem.Extensions ?? new Dictionary<string, object?>())
        {
            body.TryAdd(extension.Key, extension.Value);
        }

        if (problem.Errors is not null)
        {
            body["errors"] = problem.Errors;
        }

        if (problem.Status == StatusCodes.Status429TooManyRequests && RetryAfterSeconds(problem) is { } wait)
        {
            body.TryAdd("retry_after", wait);
        }

        http.Response.StatusCode = problem.Status;
        http.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(http.Response.Body, body, cancellationToken: CancellationToken.None);
    }
}

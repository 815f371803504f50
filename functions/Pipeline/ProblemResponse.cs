using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Moosermail.Functions.Pipeline;

/// <summary>An HTTP problem about to be written: what the one switch in <see cref="ErrorHandlingMiddleware"/> (or a send that Resend refused) decided.</summary>
public sealed record Problem(int Status, string Title, string Detail)
{
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>Extra members of the body, such as <c>email_id</c>; never a secret.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    /// <summary>Extra response headers, such as Retry-After on 429 or Allow on 405.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The one builder of RFC 9457 problem details (application/problem+json): every error answer, whether
/// thrown and mapped by the middleware or returned as a send's outcome, has the same members and the
/// request's correlation id.
/// </summary>
public static class ProblemResponse
{
    public const string ContentType = "application/problem+json";

    public static Dictionary<string, object?> Body(Problem problem, string correlationId)
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

        return body;
    }

    /// <summary>Writes the problem straight to the response (the error middleware, where no function result exists).</summary>
    public static async Task WriteAsync(HttpContext http, Problem problem, string correlationId)
    {
        foreach (var header in problem.Headers)
        {
            http.Response.Headers[header.Key] = header.Value;
        }

        http.Response.StatusCode = problem.Status;
        http.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(http.Response.Body, Body(problem, correlationId), cancellationToken: CancellationToken.None);
    }

    /// <summary>Every 429 says in words how long to wait, not only in the Retry-After header.</summary>
    private static string WithWait(Problem problem) =>
        problem.Status == StatusCodes.Status429TooManyRequests && RetryAfterSeconds(problem) is { } wait
            && !problem.Detail.Contains("Retry after", StringComparison.Ordinal)
            ? $"{problem.Detail} Retry after {wait} second{(wait == 1 ? string.Empty : "s")}."
            : problem.Detail;

    private static int? RetryAfterSeconds(Problem problem) =>
        problem.Headers.TryGetValue("Retry-After", out var value) && int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : null;

    /// <summary>The problem as a function result, for an outcome a function returns rather than throws.</summary>
    public static IResult Result(Problem problem, FunctionContext context) =>
        Results.Json(Body(problem, CorrelationMiddleware.GetCorrelationId(context)), contentType: ContentType, statusCode: problem.Status);
}

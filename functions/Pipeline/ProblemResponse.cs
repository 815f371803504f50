using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Moosermail.Core.Errors;

namespace Moosermail.Functions.Pipeline;

/// <summary>Writes RFC 9457 problem details (application/problem+json).</summary>
public static class ProblemResponse
{
    public const string ContentType = "application/problem+json";

    public static async Task WriteAsync(HttpContext http, ApiProblemException problem, string correlationId)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = $"https://httpstatuses.io/{problem.Status}",
            ["title"] = problem.Title,
            ["status"] = problem.Status,
            ["detail"] = problem.Message,
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

        http.Response.StatusCode = problem.Status;
        http.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(http.Response.Body, body, cancellationToken: CancellationToken.None);
    }
}

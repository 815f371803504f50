using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// The one switch from exception to response. Expected failures (<see cref="ApiProblemException"/>)
/// become their ProblemDetails; anything else is logged with the correlation id and answered with a
/// generic 500 that carries only that id — never exception text.
/// </summary>
public sealed class ErrorHandlingMiddleware(ILogger<ErrorHandlingMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        try
        {
            await next(context);
        }
        catch (Exception ex) when (http is not null && !http.Response.HasStarted)
        {
            var correlationId = CorrelationMiddleware.GetCorrelationId(context);
            var problem = Map(ex, http);
            if (problem.Status == StatusCodes.Status500InternalServerError)
            {
                logger.LogError(ex, "Unhandled exception in {Function}", context.FunctionDefinition.Name);
            }
            else if (problem.Status > 500)
            {
                logger.LogWarning("{Function} answered {Status}: {Detail}", context.FunctionDefinition.Name, problem.Status, problem.Message);
            }
            else
            {
                logger.LogInformation("{Function} answered {Status} {Title}", context.FunctionDefinition.Name, problem.Status, problem.Title);
            }

            foreach (var header in problem.Headers)
            {
                http.Response.Headers[header.Key] = header.Value;
            }

            await ProblemResponse.WriteAsync(http, problem, correlationId);
        }
        catch (Exception ex) when (http is null)
        {
            logger.LogError(ex, "Unhandled exception in {Function}", context.FunctionDefinition.Name);
            throw;
        }
    }

    private static ApiProblemException Map(Exception ex, HttpContext http) => ex switch
    {
        ApiProblemException problem => problem,
        OutcomeException outcome => FromOutcome(outcome),
        // An unmigrated database: say what to do (logged as a warning with this detail) instead of a bare 500.
        Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UndefinedTable } => FromOutcome(new NotConfiguredException($"The database {Moosermail.Core.Health.HealthReport.SchemaMissing}.")),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ApiProblemException.PayloadTooLarge("The request body is too large."),
        BadHttpRequestException => ApiProblemException.BadRequest("The request could not be read; check its body and headers."),
        OperationCanceledException when http.RequestAborted.IsCancellationRequested => new ApiProblemException(499, "Client closed request", "The client closed the request."),
        _ => new ApiProblemException(500, "Internal server error", "An unexpected error occurred. Quote the correlation id when reporting it."),
    };

    /// <summary>The one table from a core outcome to its HTTP status and title.</summary>
    private static ApiProblemException FromOutcome(OutcomeException outcome)
    {
        var (status, title) = outcome switch
        {
            ValidationFailedException => (400, "Validation failed"),
            InvalidRequestException => (400, "Bad request"),
            NotAuthenticatedException => (401, "Unauthorized"),
            ForbiddenException => (403, "Forbidden"),
            NotFoundException => (404, "Not found"),
            ConflictException => (409, "Conflict"),
            PayloadTooLargeException => (413, "Payload too large"),
            UnsupportedMediaTypeException => (415, "Unsupported media type"),
            UnprocessableException or SenderUnavailableException => (422, "Unprocessable content"),
            RateLimitedException => (429, "Too many requests"),
            UpstreamUnavailableException => (503, "Service unavailable"),
            NotConfiguredException => (503, "Not configured"),
            _ => (500, "Internal server error"),
        };
        var problem = new ApiProblemException(status, title, outcome.Message, outcome.Errors) { Extensions = outcome.Extensions };
        var retryAfter = outcome switch
        {
            RateLimitedException limited => limited.RetryAfter,
            UpstreamUnavailableException { RetryAfter: { } after } => after,
            _ => (TimeSpan?)null,
        };
        if (retryAfter is { } wait)
        {
            problem.Headers["Retry-After"] = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return problem;
    }
}

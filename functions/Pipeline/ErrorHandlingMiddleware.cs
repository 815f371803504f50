using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Functions.Http;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// The one switch from exception to response. Expected failures (core's <see cref="OutcomeException"/>
/// types) become their ProblemDetails; anything else is logged with the correlation id and answered with a
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
            else if (ex is Npgsql.NpgsqlException)
            {
                logger.LogWarning(ex, "{Function} answered {Status}: the database is unavailable", context.FunctionDefinition.Name, problem.Status);
            }
            else if (problem.Status > 500)
            {
                logger.LogWarning("{Function} answered {Status}: {Detail}", context.FunctionDefinition.Name, problem.Status, problem.Detail);
            }
            else
            {
                logger.LogInformation("{Function} answered {Status} {Title}", context.FunctionDefinition.Name, problem.Status, problem.Title);
            }

            await ProblemResponse.WriteAsync(http, problem, correlationId);
        }
        catch (Npgsql.NpgsqlException ex) when (http is null && ex.IsTransient)
        {
            // A timer while the database is unreachable: one line per run (its next run retries), not a stack trace.
            logger.LogWarning("{Function} skipped this run: the database is unavailable ({Reason})", context.FunctionDefinition.Name, ex.InnerException?.Message ?? ex.Message);
        }
        catch (Exception ex) when (http is null)
        {
            logger.LogError(ex, "Unhandled exception in {Function}", context.FunctionDefinition.Name);
            throw;
        }
    }

    private static Problem Map(Exception ex, HttpContext http) => ex switch
    {
        OutcomeException outcome => FromOutcome(outcome),
        // An unmigrated database: say what to do (logged as a warning with this detail) instead of a bare 500.
        Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UndefinedTable } => FromOutcome(new NotConfiguredException($"The database {Moosermail.Core.Health.HealthReport.SchemaMissing}.")),
        // The database unreachable, or its pool exhausted: a retryable 503, not a 500; the cause goes to the log only.
        Npgsql.NpgsqlException { IsTransient: true } => FromOutcome(new UpstreamUnavailableException("The database is unavailable right now; try again shortly.", TimeSpan.FromSeconds(5))),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new Problem(413, "Payload too large", "The request body is too large."),
        BadHttpRequestException => new Problem(400, "Bad request", "The request could not be read; check its body and headers."),
        OperationCanceledException when http.RequestAborted.IsCancellationRequested => new Problem(499, "Client closed request", "The client closed the request."),
        _ => new Problem(500, "Internal server error", "An unexpected error occurred. Quote the correlation id when reporting it."),
    };

    /// <summary>The one table from an outcome to its HTTP status, title and headers.</summary>
    private static Problem FromOutcome(OutcomeException outcome)
    {
        var (status, title) = outcome switch
        {
            ValidationFailedException => (400, "Validation failed"),
            InvalidRequestException => (400, "Bad request"),
            NotAuthenticatedException => (401, "Unauthorized"),
            ForbiddenException => (403, "Forbidden"),
            NotFoundException => (404, "Not found"),
            MethodNotAllowedException => (405, "Method not allowed"),
            ConflictException => (409, "Conflict"),
            PayloadTooLargeException => (413, "Payload too large"),
            UnsupportedMediaTypeException => (415, "Unsupported media type"),
            UnprocessableException or SenderUnavailableException => (422, "Unprocessable content"),
            RateLimitedException => (429, "Too many requests"),
            UpstreamFailedException => (502, "Bad gateway"),
            UpstreamUnavailableException => (503, "Service unavailable"),
            NotConfiguredException => (503, "Not configured"),
            _ => (500, "Internal server error"),
        };
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var retryAfter = outcome switch
        {
            RateLimitedException limited => limited.RetryAfter,
            UpstreamUnavailableException { RetryAfter: { } after } => after,
            _ => (TimeSpan?)null,
        };
        if (retryAfter is { } wait)
        {
            headers["Retry-After"] = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (outcome is MethodNotAllowedException notAllowed)
        {
            headers["Allow"] = notAllowed.Allow;
        }

        return new Problem(status, title, outcome.Message) { Errors = outcome.Errors, Extensions = outcome.Extensions, Headers = headers };
    }
}

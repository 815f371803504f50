using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Core.RateLimiting;
using Npgsql;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// Per-IP request limits, in Postgres so every instance counts against the same bucket (the original ran
/// them in nginx: 10 req/min burst 20 on the API, 60 req/min burst 30 on pages). This product has no
/// pages, so the two classes are told apart by credential:
/// <list type="bullet">
/// <item>web: a non-public function called with the browser session cookie and no Authorization header —
/// the dashboard's traffic, which fans out into many small calls per screen;</item>
/// <item>api: everything else — bearer JWTs, mk_ keys, and every public route (signup, login, triggers),
/// whatever cookie comes along, so a junk cookie cannot buy a login brute-forcer the larger budget.</item>
/// </list>
/// It runs before authentication, so floods of bad credentials are limited too. Every answer carries
/// RateLimit-Limit/Remaining/Reset; a refusal is a 429 ProblemDetails with Retry-After. When the store is
/// unreachable the request is refused (503): fail closed, as login needs.
/// </summary>
public sealed class RateLimitMiddleware(RateLimitOptions options, RateLimitStore store, ILogger<RateLimitMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http is null || !options.Enabled || IsExempt(context.FunctionDefinition))
        {
            await next(context);
            return;
        }

        var policy = Classify(http.Request, AuthenticationMiddleware.IsPublic(context.FunctionDefinition));
        var client = ClientAddress.Resolve(http, options.TrustedProxies);
        RateLimitDecision decision;
        try
        {
            decision = await store.AcquireAsync($"{policy.Name}:{client}", policy, context.CancellationToken);
        }
        catch (NpgsqlException ex) when (ex.IsTransient)
        {
            logger.LogWarning("Rate limit store unreachable; refusing {Function}", context.FunctionDefinition.Name);
            throw new UpstreamUnavailableException("The service is briefly unavailable; retry shortly.", TimeSpan.FromSeconds(5));
        }

        foreach (var (name, value) in Headers(decision))
        {
            http.Response.Headers[name] = value;
        }

        if (!decision.Allowed)
        {
            logger.LogInformation("Rate limit {Policy} refused {Function}; retry in {RetryAfter}", policy.Name, context.FunctionDefinition.Name, decision.RetryAfter);
            // The RateLimit-* headers are already on the response; the error middleware adds Retry-After.
            throw new RateLimitedException(
                $"Too many requests: {policy.PerMinute} a minute (bursts of up to {policy.Capacity}) per client address. Retry after the number of seconds in Retry-After.",
                decision.RetryAfter);
        }

        await next(context);
    }

    public static bool IsExempt(FunctionDefinition function) =>
        FunctionAttributes.Has<ExemptFromRateLimitAttribute>(function);

    private RateLimitPolicy Classify(HttpRequest request, bool isPublic) =>
        !isPublic && string.IsNullOrEmpty(request.Headers.Authorization) && SessionCookie.Read(request) is not null
            ? options.Web
            : options.Api;

    /// <summary>IETF draft-ietf-httpapi-ratelimit-headers names; Reset is seconds until the bucket is full.</summary>
    private static IEnumerable<(string Name, string Value)> Headers(RateLimitDecision decision)
    {
        yield return ("RateLimit-Limit", decision.Limit.ToString(CultureInfo.InvariantCulture));
        yield return ("RateLimit-Remaining", decision.Remaining.ToString(CultureInfo.InvariantCulture));
        yield return ("RateLimit-Reset", Math.Max(0, (int)Math.Ceiling(decision.Reset.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
    }
}

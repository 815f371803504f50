using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Core.RateLimiting;
using Npgsql;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// Takes one token from a shared (Postgres) bucket for a request, reports it in the RateLimit-* headers
/// (the tightest bucket the request passed wins), and refuses with a 429 whose detail and Retry-After
/// both say how many seconds to wait. Fails closed (503) when Postgres is unreachable, as login needs.
/// </summary>
public sealed class RequestLimiter(RateLimitStore store, ILogger<RequestLimiter> logger)
{
    private const string TightestKey = "moosermail.ratelimit.remaining";

    /// <exception cref="RateLimitedException">The bucket is empty.</exception>
    public async Task AcquireAsync(HttpContext http, RateLimitPolicy policy, string subject, CancellationToken cancellationToken)
    {
        RateLimitDecision decision;
        try
        {
            decision = await store.AcquireAsync($"{policy.Name}:{subject}", policy, cancellationToken);
        }
        catch (NpgsqlException ex) when (ex.IsTransient)
        {
            logger.LogWarning("Rate limit store unreachable; refusing the request");
            throw new UpstreamUnavailableException("The service is briefly unavailable; retry in 5 seconds.", TimeSpan.FromSeconds(5));
        }

        Apply(http, policy, decision);
    }

    /// <summary>
    /// Two buckets in one round trip, <paramref name="first"/> counted first: when it refuses, the second is not
    /// touched (a leaked key that spends its own budget costs its team nothing).
    /// </summary>
    /// <exception cref="RateLimitedException">Either bucket is empty.</exception>
    public async Task AcquirePairAsync(HttpContext http, (RateLimitPolicy Policy, string Subject) first, (RateLimitPolicy Policy, string Subject) second, CancellationToken cancellationToken)
    {
        (RateLimitDecision First, RateLimitDecision? Second) decisions;
        try
        {
            decisions = await store.AcquirePairAsync(($"{first.Policy.Name}:{first.Subject}", first.Policy), ($"{second.Policy.Name}:{second.Subject}", second.Policy), cancellationToken);
        }
        catch (NpgsqlException ex) when (ex.IsTransient)
        {
            logger.LogWarning("Rate limit store unreachable; refusing the request");
            throw new UpstreamUnavailableException("The service is briefly unavailable; retry in 5 seconds.", TimeSpan.FromSeconds(5));
        }

        Apply(http, first.Policy, decisions.First);
        if (decisions.Second is { } decision)
        {
            Apply(http, second.Policy, decision);
        }
    }

    private void Apply(HttpContext http, RateLimitPolicy policy, RateLimitDecision decision)
    {
        if (!http.Items.TryGetValue(TightestKey, out var tightest) || (int)tightest! >= decision.Remaining)
        {
            http.Items[TightestKey] = decision.Remaining;
            var headers = http.Response.Headers;
            headers["RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
            headers["RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["RateLimit-Reset"] = Seconds(decision.Reset, minimum: 0).ToString(CultureInfo.InvariantCulture);
        }

        if (!decision.Allowed)
        {
            logger.LogInformation("Rate limit {Policy} refused a request; retry in {RetryAfter}", policy.Name, decision.RetryAfter);
            throw Refused(policy, decision.RetryAfter);
        }
    }

    /// <summary>The 429 for <paramref name="policy"/>: what the limit is, per what, and the seconds to wait.</summary>
    public static RateLimitedException Refused(RateLimitPolicy policy, TimeSpan retryAfter) =>
        Refused($"{policy.PerMinute} a minute (bursts of up to {policy.Capacity}) per {policy.Scope}", retryAfter);

    public static RateLimitedException Refused(string limit, TimeSpan retryAfter)
    {
        var seconds = Seconds(retryAfter, minimum: 1);
        return new RateLimitedException($"Too many requests: the limit is {limit}. Retry after {seconds} second{(seconds == 1 ? string.Empty : "s")}.", TimeSpan.FromSeconds(seconds))
        {
            Extensions = new Dictionary<string, object?> { ["retry_after"] = seconds },
        };
    }

    /// <summary>Whole seconds, rounded up, as Retry-After and RateLimit-Reset carry them.</summary>
    public static int Seconds(TimeSpan span, int minimum) => Math.Max(minimum, (int)Math.Ceiling(span.TotalSeconds));
}

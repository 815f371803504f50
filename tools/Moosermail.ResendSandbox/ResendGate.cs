using System.Globalization;

namespace Moosermail.ResendSandbox;

/// <summary>
/// What Resend does before any endpoint: refuse a request without a User-Agent (Cloudflare's 403, not JSON),
/// authenticate the key, apply an injected fault, then the per-key rate limit with its ratelimit-* headers.
/// </summary>
public sealed class ResendGate(RequestDelegate next, SandboxState state, SandboxOptions options, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/_sandbox"))
        {
            await next(context);
            return;
        }

        if (string.IsNullOrWhiteSpace(context.Request.Headers.UserAgent))
        {
            context.Response.StatusCode = 403;
            await context.Response.WriteAsync("error code: 1010");
            return;
        }

        var (account, refusal) = Authenticate(context, state);
        if (refusal is not null)
        {
            await refusal.WriteAsync(context);
            return;
        }

        context.Items[typeof(SandboxAccount)] = account;
        if (await FaultAsync(context, account!) || await ThrottledAsync(context, account!))
        {
            return;
        }

        await next(context);
    }

    /// <summary>Missing key → 401 missing_api_key; not a re_ key → 403 invalid_api_key; a re_ key with "invalid" in it → 401.</summary>
    public static (SandboxAccount? Account, ResendErrorBody? Refusal) Authenticate(HttpContext context, SandboxState state)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return (null, new ResendErrorBody(401,
                "Missing API key in the authorization header. Include the following header `Authorization: Bearer YOUR_API_KEY` in the request.",
                "missing_api_key"));
        }

        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : string.Empty;
        if (!key.StartsWith("re_", StringComparison.Ordinal))
        {
            return (null, new ResendErrorBody(403, "API key is invalid", "invalid_api_key"));
        }

        return key.Contains("invalid", StringComparison.OrdinalIgnoreCase)
            ? (null, new ResendErrorBody(401, "API key is invalid", "validation_error"))
            : (state.Account(key), null);
    }

    private static async Task<bool> FaultAsync(HttpContext context, SandboxAccount account)
    {
        Fault? fault;
        lock (account.Gate)
        {
            fault = account.Fault;
            account.Fault = fault is { Remaining: > 1 } ? fault with { Remaining = fault.Remaining - 1 } : null;
        }

        if (fault is null)
        {
            return false;
        }

        try
        {
            await Task.Delay(fault.DelayMs, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The caller gave up (its timeout): nothing left to answer.
            return true;
        }

        if (fault.Status == 0)
        {
            return false;
        }

        if (fault.Body is not null)
        {
            context.Response.StatusCode = fault.Status;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync(fault.Body);
            return true;
        }

        if (fault.Status == 429)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        await new ResendErrorBody(fault.Status, "Injected by the sandbox.", fault.Name ?? DefaultName(fault.Status)).WriteAsync(context);
        return true;
    }

    private async Task<bool> ThrottledAsync(HttpContext context, SandboxAccount account)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        int count;
        lock (account.Gate)
        {
            account.Requests++;
            if (account.RateWindow != now / 1000)
            {
                (account.RateWindow, account.RateCount) = (now / 1000, 0);
            }

            count = ++account.RateCount;
        }

        var limit = options.RateLimitPerSecond;
        var headers = context.Response.Headers;
        headers["ratelimit-limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["ratelimit-remaining"] = Math.Max(0, limit - count).ToString(CultureInfo.InvariantCulture);
        headers["ratelimit-reset"] = "1";
        headers["ratelimit-policy"] = $"{limit};w=1";
        if (count <= limit)
        {
            return false;
        }

        headers.RetryAfter = "1";
        await new ResendErrorBody(429,
            $"Too many requests. You can only make {limit} requests per second. See rate limit response headers for more information.",
            "rate_limit_exceeded").WriteAsync(context);
        return true;
    }

    private static string DefaultName(int status) => status switch
    {
        429 => "rate_limit_exceeded",
        >= 500 => "internal_server_error",
        _ => "application_error",
    };
}

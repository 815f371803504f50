using System.Net;

namespace Moosermail.Core.Resend;

/// <summary>
/// A failed Resend call. <see cref="IsTransient"/> says whether the same request may be tried again later
/// (network failure, timeout, 5xx, 429 rate limit, idempotent request still in flight); everything else —
/// validation, key problems, quotas — fails the same way on retry. <see cref="Name"/> is Resend's open-ended
/// error code, kept raw; <see cref="StatusCode"/> is null when no response arrived.
/// </summary>
public sealed record ResendError(int? StatusCode, string Name, string Message, bool IsTransient, TimeSpan? RetryAfter)
{
    public const string NetworkError = "network_error";
    public const string Timeout = "timeout";

    /// <summary>Resend's per-second rate limit (not a spent quota): the same call succeeds after <see cref="RetryAfter"/>.</summary>
    public bool IsRateLimited => StatusCode == 429 && IsTransient;

    internal static ResendError FromResponse(HttpStatusCode status, string? name, string? message, TimeSpan? retryAfter)
    {
        var code = (int)status;
        var resolvedName = string.IsNullOrWhiteSpace(name) ? DefaultName(code) : name;
        var transient = IsTransientFailure(code, resolvedName);
        return new ResendError(
            code,
            resolvedName,
            string.IsNullOrWhiteSpace(message) ? $"Resend answered {code} {status}." : message,
            transient,
            transient ? retryAfter : null);
    }

    internal static ResendError Network(string message) => new(null, NetworkError, message, true, null);

    internal static ResendError TimedOut(TimeSpan after) =>
        new(null, Timeout, $"Resend did not answer within {after.TotalSeconds:0.#} s.", true, null);

    private static bool IsTransientFailure(int status, string name) => status switch
    {
        // A quota is spent until the day or month rolls over: retrying within a dispatcher's backoff only burns attempts.
        429 => name is not ("daily_quota_exceeded" or "monthly_quota_exceeded"),
        409 => name == "concurrent_idempotent_requests",
        408 => true,
        >= 500 => true,
        _ => false,
    };

    private static string DefaultName(int status) => status switch
    {
        401 => "missing_api_key",
        403 => "invalid_api_key",
        404 => "not_found",
        429 => "rate_limit_exceeded",
        >= 500 => "application_error",
        _ => "application_error",
    };
}

namespace Moosermail.Core.Resend;

/// <summary>
/// The outcome of one Resend call: a value or an error, never both, plus the rate-limit headers Resend sent
/// (on success and failure alike) so a caller can pace the team's next calls.
/// </summary>
public sealed record ResendResult<T>
    where T : class
{
    private ResendResult(T? value, ResendError? error, ResendRateLimit rateLimit)
    {
        Value = value;
        Error = error;
        RateLimit = rateLimit;
    }

    public T? Value { get; }

    public ResendError? Error { get; }

    public ResendRateLimit RateLimit { get; }

    public bool IsSuccess => Error is null;

    internal static ResendResult<T> Success(T value, ResendRateLimit rateLimit) => new(value, null, rateLimit);

    internal static ResendResult<T> Failure(ResendError error, ResendRateLimit rateLimit) => new(null, error, rateLimit);
}

/// <summary>Resend's <c>ratelimit-*</c> and <c>retry-after</c> response headers; each is null when absent.</summary>
public sealed record ResendRateLimit(int? Limit, int? Remaining, TimeSpan? Reset, TimeSpan? RetryAfter, string? Policy)
{
    public static readonly ResendRateLimit None = new(null, null, null, null, null);
}

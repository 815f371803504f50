namespace Moosermail.Core.Errors;

/// <summary>
/// An expected failure a caller can act on. Core raises these by meaning (not found, conflict, ...) and
/// never names an HTTP status; functions/Pipeline/ErrorHandlingMiddleware maps each type to one status
/// in a single switch, and background work (dispatcher, timers) catches them by type. The detail is
/// shown to the caller, so it must never carry a secret or internal state.
/// </summary>
public abstract class OutcomeException(string detail) : Exception(detail)
{
    /// <summary>Per-field messages (field name as the client spells it), when the outcome has them.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>Extra members of the problem body, such as <c>email_id</c>; never a secret.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }
}

/// <summary>The row is missing or belongs to another team: callers cannot tell the two apart.</summary>
public sealed class NotFoundException(string detail) : OutcomeException(detail);

/// <summary>One or more fields are invalid; <see cref="OutcomeException.Errors"/> names each.</summary>
public sealed class ValidationFailedException : OutcomeException
{
    public ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
        : base("One or more fields are invalid; see errors for each field.") => Errors = errors;

    public ValidationFailedException(string field, string message)
        : this(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] })
    {
    }
}

/// <summary>The request as a whole cannot be read or is malformed (not one field's fault).</summary>
public sealed class InvalidRequestException(string detail) : OutcomeException(detail);

/// <summary>The request body's media type is not one this route reads.</summary>
public sealed class UnsupportedMediaTypeException(string detail) : OutcomeException(detail);

/// <summary>The request conflicts with the current state (duplicate, in use, wrong state).</summary>
public sealed class ConflictException(string detail) : OutcomeException(detail);

/// <summary>The caller is known but may not do this.</summary>
public sealed class ForbiddenException(string detail) : OutcomeException(detail);

/// <summary>No valid credential: missing, malformed, expired or revoked.</summary>
public sealed class NotAuthenticatedException(string detail) : OutcomeException(detail);

/// <summary>Too many requests; the caller may retry after <see cref="RetryAfter"/>.</summary>
public sealed class RateLimitedException(string detail, TimeSpan retryAfter) : OutcomeException(detail)
{
    public TimeSpan RetryAfter { get; } = retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter;
}

/// <summary>The request (or one of its parts) is larger than the route accepts.</summary>
public sealed class PayloadTooLargeException(string detail) : OutcomeException(detail);

/// <summary>Understood and valid in form, but refused for good (e.g. Resend refused it, a variable is missing).</summary>
public sealed class UnprocessableException(string detail) : OutcomeException(detail);

/// <summary>The team's sender (its Resend key) cannot be used: missing, deleted, or refused by Resend.</summary>
public sealed class SenderUnavailableException(string detail) : OutcomeException(detail);

/// <summary>An upstream service (Resend) could not be reached or failed transiently; nothing was decided.</summary>
public sealed class UpstreamUnavailableException(string detail, TimeSpan? retryAfter = null) : OutcomeException(detail)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>An upstream service (Resend) answered with a failure or could not be reached while checking something; nothing was stored.</summary>
public sealed class UpstreamFailedException(string detail) : OutcomeException(detail);

/// <summary>The feature needs operator configuration that this deployment has not set; the detail says which.</summary>
public sealed class NotConfiguredException(string detail) : OutcomeException(detail);

namespace Moosermail.Core.Errors;

/// <summary>
/// An expected failure that the client can act on. Thrown by core rules and mapped in one place (the
/// error middleware) to an RFC 9457 ProblemDetails response. The detail is shown to the caller, so it
/// must never carry a secret or internal state.
/// </summary>
public sealed class ApiProblemException : Exception
{
    public ApiProblemException(int status, string title, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(detail)
    {
        Status = status;
        Title = title;
        Errors = errors;
    }

    public ApiProblemException()
        : this(400, "Bad request", "The request is not valid.")
    {
    }

    public ApiProblemException(string message)
        : this(400, "Bad request", message)
    {
    }

    public ApiProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 400;
        Title = "Bad request";
    }

    public int Status { get; }

    public string Title { get; }

    public IReadOnlyDictionary<string, string[]>? Errors { get; }

    /// <summary>Extra members of the problem body (from an outcome's extensions).</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    /// <summary>Extra response headers, such as Retry-After on 429.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public static ApiProblemException BadRequest(string detail) => new(400, "Bad request", detail);

    public static ApiProblemException Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(400, "Validation failed", "One or more fields are invalid; see errors for each field.", errors);

    public static ApiProblemException Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ApiProblemException Unauthorized(string detail) => new(401, "Unauthorized", detail);

    public static ApiProblemException Forbidden(string detail) => new(403, "Forbidden", detail);

    public static ApiProblemException NotFound(string detail) => new(404, "Not found", detail);

    public static ApiProblemException Conflict(string detail) => new(409, "Conflict", detail);

    public static ApiProblemException PayloadTooLarge(string detail) => new(413, "Payload too large", detail);

    public static ApiProblemException Unprocessable(string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(422, "Unprocessable content", detail, errors);

    public static ApiProblemException TooManyRequests(string detail, TimeSpan retryAfter)
    {
        var problem = new ApiProblemException(429, "Too many requests", detail);
        problem.Headers["Retry-After"] = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return problem;
    }

    public static ApiProblemException BadGateway(string detail) => new(502, "Bad gateway", detail);
}

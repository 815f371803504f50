using Moosermail.Core.Errors;

namespace Moosermail.Functions.Http;

/// <summary>
/// The route exists but not for this request method. An outcome of routing, which only functions/ knows
/// about, so it lives here rather than in core; <see cref="Allow"/> lists the methods that are served.
/// </summary>
public sealed class MethodNotAllowedException(string detail, string allow) : OutcomeException(detail)
{
    public string Allow { get; } = allow;
}

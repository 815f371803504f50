using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Errors;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Http;

/// <summary>
/// Catches every route no other function matched (literal and parameter routes take precedence over a
/// catch-all), so an unknown path gets the same JSON 404 under func and under the local host.
/// </summary>
public static class NotFoundFunction
{
    [Function(nameof(NotFound))]
    [PublicFunction]
    public static IResult NotFound(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", Route = "{*path}")] HttpRequest request,
        string? path) =>
        throw new NotFoundException($"No route matches {request.Method} /api/{path}. See README.md for the API.");
}

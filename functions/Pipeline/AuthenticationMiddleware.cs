using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// Authenticates every HTTP invocation unless its function is marked <see cref="PublicFunctionAttribute"/>.
/// Credentials: <c>Authorization: Bearer</c> (session JWT or mk_ API key) or the session cookie. A cookie
/// is refused on cross-site unsafe requests (CSRF); bearer calls from servers are unaffected. Then it
/// enforces the function's one access declaration (<see cref="FunctionAccess"/>): a function that declares
/// none is refused for everyone, so a route without a declaration cannot ship open.
/// </summary>
public sealed class AuthenticationMiddleware(CallerResolver resolver) : IFunctionsWorkerMiddleware
{
    public const string TeamHeader = "X-Moosermail-Team";
    private const string CallerKey = "moosermail.caller";

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http is not null && !IsPublic(context.FunctionDefinition))
        {
            var caller = await AuthenticateAsync(http, context.CancellationToken);
            http.Response.Headers.CacheControl = "no-store";
            switch (FunctionAccess.Of(context.FunctionDefinition))
            {
                case { Kind: AccessKind.Permission, Permission: { } permission }:
                    caller.Require(permission);
                    break;
                case { Kind: AccessKind.AnyMember or AccessKind.TeamMember or AccessKind.TeamPermission }:
                    // Team routes check membership of the path's team in the function (AuthorizeTeamAsync).
                    break;
                default:
                    throw new ForbiddenException($"{context.FunctionDefinition.Name} declares no access requirement, so nobody may call it.");
            }

            context.Items[CallerKey] = caller;
        }

        await next(context);
    }

    /// <summary>The authenticated caller; only non-public functions may ask.</summary>
    public static Caller GetCaller(FunctionContext context) =>
        context.Items.TryGetValue(CallerKey, out var caller)
            ? (Caller)caller
            : throw new InvalidOperationException($"{context.FunctionDefinition.Name} is public and has no caller.");

    public static bool IsPublic(FunctionDefinition function) => FunctionAttributes.Has<PublicFunctionAttribute>(function);

    private async Task<Caller> AuthenticateAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var teamId = TeamFromHeader(http.Request);
        var bearer = BearerToken(http.Request);
        if (bearer is not null)
        {
            return await resolver.ResolveAsync(bearer, teamId, cancellationToken);
        }

        if (SessionCookie.Read(http.Request) is { } cookie)
        {
            CrossSiteRequests.RejectUnsafe(http.Request);
            return await resolver.ResolveSessionAsync(cookie, teamId, cancellationToken);
        }

        throw new NotAuthenticatedException("Authentication required: send Authorization: Bearer <token or mk_ key>, or log in for a session cookie.");
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7
            ? header[7..].Trim()
            : throw new NotAuthenticatedException("Only the Bearer scheme is accepted in the Authorization header.");
    }

    private static Guid? TeamFromHeader(HttpRequest request)
    {
        var value = request.Headers[TeamHeader].ToString();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return Guid.TryParse(value, out var teamId)
            ? teamId
            : throw new InvalidRequestException($"{TeamHeader} must be a team id (a UUID from GET /api/auth/me).");
    }
}

using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Moosermail.Core.RateLimiting;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// The limits on authenticated traffic, once the caller is known: per credential (the dashboard's cookie
/// session gets the <c>web</c> budget, a bearer session or mk_ key the <c>key</c> budget), then per team.
/// The credential is counted first, so a leaked key that spends its own budget is refused before it costs
/// its team anything: one key cannot drown a team. Both buckets are taken in one statement (one round trip).
/// </summary>
public sealed class CallerRateLimitMiddleware(RateLimitOptions options, RequestLimiter limiter) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http is not null && options.Enabled && !AuthenticationMiddleware.IsPublic(context.FunctionDefinition))
        {
            var caller = context.Caller();
            var viaCookie = string.IsNullOrEmpty(http.Request.Headers.Authorization) && SessionCookie.Read(http.Request) is not null;
            await limiter.AcquirePairAsync(
                http, (viaCookie ? options.Web : options.Key, caller.CredentialId.ToString("N")), (options.Team, caller.TeamId.ToString("N")), context.CancellationToken);
        }

        await next(context);
    }
}

using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Moosermail.Core.RateLimiting;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// The limits that apply before anyone is known, per client address (an IPv6 client per /64):
/// <list type="bullet">
/// <item>public and exempt routes first pass the in-process <see cref="FloodGuard"/>, so a flood is refused
/// without a database round trip;</item>
/// <item>public routes (signup, login, triggers) then take a token from the shared <c>public</c> bucket
/// (the original product's 10 a minute, burst 20);</item>
/// <item>every other route takes one from the <c>address</c> bucket, sized for an office or a server: it
/// bounds floods of bad credentials, and is separate from the public bucket, so an address that spent its
/// public budget on logins can still make its authenticated calls.</item>
/// </list>
/// Exempt routes (health, Resend's webhooks) skip the shared buckets. After authentication,
/// <see cref="CallerRateLimitMiddleware"/> counts the request per credential and per team.
/// </summary>
public sealed class RateLimitMiddleware(RateLimitOptions options, FloodGuard flood, RequestLimiter limiter, ILogger<RateLimitMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http is null || !options.Enabled)
        {
            await next(context);
            return;
        }

        var client = ClientAddress.Resolve(http, options.TrustedProxies);
        var isPublic = AuthenticationMiddleware.IsPublic(context.FunctionDefinition);
        var exempt = IsExempt(context.FunctionDefinition);
        if ((isPublic || exempt) && !flood.TryAcquire(client, out var wait))
        {
            logger.LogInformation("Flood guard refused {Function}", context.FunctionDefinition.Name);
            throw RequestLimiter.Refused($"{options.FloodPerSecond} a second (bursts of up to {options.FloodBurst}) per client address", wait);
        }

        if (!exempt)
        {
            var policy = isPublic ? options.Public : options.Address;
            await limiter.AcquireAsync(http, policy, ClientAddress.BucketKey(client), context.CancellationToken);
        }

        await next(context);
    }

    public static bool IsExempt(FunctionDefinition function) =>
        FunctionAttributes.Has<ExemptFromRateLimitAttribute>(function);
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.RateLimiting;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Http;

/// <summary>The client address an audit event records: the one the rate limit keys on (trusted proxies honoured).</summary>
public static class RequestClient
{
    public static string ClientAddress(this HttpRequest request) =>
        Pipeline.ClientAddress.Resolve(request.HttpContext, request.HttpContext.RequestServices.GetRequiredService<RateLimitOptions>().TrustedProxies).ToString();
}

using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// Headers every answer carries: an API that returns JSON has no business being sniffed as HTML, framed,
/// or leaking its URLs (which may hold a trigger key) in a Referer.
/// </summary>
public sealed class SecurityHeadersMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http)
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            headers.StrictTransportSecurity = "max-age=63072000; includeSubDomains";
        }

        return next(context);
    }
}

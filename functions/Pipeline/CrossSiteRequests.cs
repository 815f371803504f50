using Microsoft.AspNetCore.Http;
using Moosermail.Core.Errors;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// CSRF defence for cookie sessions, on top of SameSite=Lax: an unsafe method whose Sec-Fetch-Site says
/// cross-site, or whose Origin is another host, is refused.
/// </summary>
internal static class CrossSiteRequests
{
    public static void RejectUnsafe(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return;
        }

        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        var origin = request.Headers.Origin.ToString();
        var crossSite = fetchSite.Equals("cross-site", StringComparison.OrdinalIgnoreCase)
            || (!string.IsNullOrEmpty(origin) && !SameHost(origin, request.Host));
        if (crossSite)
        {
            throw new ForbiddenException("Cross-site browser requests are refused here: the session cookie and the login, signup and logout routes answer only the same site. Call the API with an Authorization header.");
        }
    }

    private static bool SameHost(string origin, HostString host) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Authority, host.Value, StringComparison.OrdinalIgnoreCase);
}

using Microsoft.AspNetCore.Http;

namespace Moosermail.Functions.Web;

/// <summary>
/// The browser-facing static files: the dashboard under /app and the API reference under /api/docs. They get
/// the same headers as the API except the CSP, which lets a page load its own scripts, styles and data and
/// nothing else: no inline script or style, no third-party origin, no framing.
/// </summary>
public static class WebAssets
{
    public const string ContentSecurityPolicy = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The API reference page: the same, plus data: images, which Swagger UI's stylesheet uses for its icons (an
    /// image cannot run script; scripts and styles stay 'self' only).
    /// </summary>
    public const string DocsContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>wwwroot/app and wwwroot/docs beside the app's binaries (copied there by the build from web/).</summary>
    public static string Root => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public static void ApplyHeaders(HttpResponse response, string contentSecurityPolicy = ContentSecurityPolicy)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = contentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.StrictTransportSecurity = "max-age=63072000; includeSubDomains";
    }

    public static string ContentType(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}

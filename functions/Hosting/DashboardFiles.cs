using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Moosermail.Functions.Web;

namespace Moosermail.Functions.Hosting;

/// <summary>
/// Serves the built dashboard (wwwroot/app) at /app on the local host, with the web CSP. In Azure the
/// Functions host forwards only function routes (under api/), so there Static Web Apps serves these same
/// files in front of the Function app (see infra/README.md); web/public/staticwebapp.config.json carries
/// the same headers, and a test keeps the two in step.
/// </summary>
public static class DashboardFiles
{
    public const string Path = "/app";

    public static void Map(WebApplication app)
    {
        var directory = System.IO.Path.Combine(WebAssets.Root, "app");
        if (!File.Exists(System.IO.Path.Combine(directory, "index.html")))
        {
            app.MapGet($"{Path}/{{**rest}}", () => Results.Text(
                "The dashboard is not built. scripts/run builds it (or: cd web && npm ci && npm run build, then build the app again).",
                statusCode: StatusCodes.Status404NotFound));
            return;
        }

        var files = new PhysicalFileProvider(directory);
        // Middleware, not an endpoint: routing treats /app and /app/ alike, and static files skip a request that matched one.
        app.Use((context, next) =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            if (path == Path)
            {
                context.Response.Redirect($"{Path}/");
                return Task.CompletedTask;
            }

            // A page address such as /app/accept-invitation (the link in an invitation) is the app itself: its
            // script reads the route. Files have an extension; nothing else under /app is a file.
            if (path.StartsWith($"{Path}/", StringComparison.Ordinal) && path.Length > Path.Length + 1 && !System.IO.Path.HasExtension(path))
            {
                context.Request.Path = $"{Path}/index.html";
            }

            return next(context);
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = Path });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = Path,
            OnPrepareResponse = context =>
            {
                WebAssets.ApplyHeaders(context.Context.Response);
                // index.html names the hashed bundles of this build: never cache it; the bundles may be cached for good.
                context.Context.Response.Headers.CacheControl = context.File.Name == "index.html" ? "no-cache" : "public, max-age=31536000, immutable";
            },
        });
    }
}

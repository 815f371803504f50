using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Errors;
using Moosermail.Functions.Hosting;
using Moosermail.Functions.Pipeline;
using Moosermail.Functions.Web;

namespace Moosermail.Functions.OpenApi;

/// <summary>GET /api/openapi.json (built once from the code) and the reference page at /api/docs that renders it.</summary>
public sealed class OpenApiFunctions
{
    /// <summary>The reference page's files; nothing else under wwwroot/docs is served.</summary>
    private static readonly HashSet<string> s_docFiles = ["index.html", "docs.js", "swagger-ui-bundle.js", "swagger-ui.css"];

    private static readonly Lazy<string> s_document = new(() =>
    {
        var directory = AppContext.BaseDirectory;
        var catalog = FunctionCatalog.Load(directory, typeof(OpenApiFunctions).Assembly);
        return new OpenApiDocumentBuilder(catalog, LocalHost.RoutePrefix(directory)).Build();
    });

    [Function(nameof(GetOpenApiDocument))]
    [PublicFunction]
    [ExemptFromRateLimit("A static document built once per process; serving it costs less than counting it.")]
    public IResult GetOpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        Results.Text(s_document.Value, "application/json");

    [Function(nameof(ApiDocs))]
    [PublicFunction]
    [ExemptFromRateLimit("Static files of the reference page, served from disk.")]
    public Task<IResult> ApiDocs(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs")] HttpRequest request) => ServeAsync(request, "index.html");

    [Function(nameof(ApiDocsFile))]
    [PublicFunction]
    [ExemptFromRateLimit("Static files of the reference page, served from disk.")]
    public Task<IResult> ApiDocsFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs/{file}")] HttpRequest request, string file) => ServeAsync(request, file);

    private static async Task<IResult> ServeAsync(HttpRequest request, string name)
    {
        var path = Path.Combine(WebAssets.Root, "docs", name);
        if (!s_docFiles.Contains(name) || !File.Exists(path))
        {
            throw new NotFoundException(File.Exists(Path.Combine(WebAssets.Root, "docs", "index.html"))
                ? "No such file."
                : "The API reference is not built: run scripts/run (or npm ci && npm run build in web/) and build again.");
        }

        WebAssets.ApplyHeaders(request.HttpContext.Response, WebAssets.DocsContentSecurityPolicy);
        return Results.Bytes(await File.ReadAllBytesAsync(path, request.HttpContext.RequestAborted), WebAssets.ContentType(name));
    }
}

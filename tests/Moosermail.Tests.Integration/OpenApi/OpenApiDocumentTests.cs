using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Moosermail.Functions.OpenApi;
using Moosermail.Functions.Web;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Resend;

namespace Moosermail.Tests.Integration.OpenApi;

/// <summary>GET /api/openapi.json against functions.metadata (both ways), two validators, and the README.</summary>
[Collection(AppCollection.Name)]
public sealed partial class OpenApiDocumentTests(AppFixture app)
{
    [Fact]
    public async Task Document_ListsEveryHttpFunctionInMetadata_AndNothingElse()
    {
        var document = await FetchAsync();
        var documented = Operations(document).ToHashSet();
        var inMetadata = MetadataRoutes().Where(r => r.Name != "NotFound").Select(r => (r.Method, r.Path)).ToHashSet();

        Assert.Empty(inMetadata.Except(documented));
        Assert.Empty(documented.Except(inMetadata));
    }

    [Fact]
    public void EveryDescription_NamesAFunctionInMetadata()
    {
        var names = MetadataRoutes().Select(r => r.Name).ToHashSet();

        var describedButMissing = ApiOperations.All.Keys.Except(names).ToList();
        var undescribed = names.Except(ApiOperations.All.Keys).Except(ApiOperations.NotDocumented).ToList();

        Assert.Empty(describedButMissing);
        Assert.Empty(undescribed);
    }

    [Fact]
    public async Task Document_LoadsWithoutErrors_AndPassesMicrosoftOpenApiRules()
    {
        var json = await FetchTextAsync();

        var read = OpenApiDocument.Parse(json, "json");

        Assert.Empty(read.Diagnostic?.Errors ?? []);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, read.Diagnostic?.SpecificationVersion);
        Assert.Empty(read.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);
    }

    [NodeFact]
    public async Task Document_ValidatesAgainstTheOfficialOpenApi31Schema()
    {
        var file = Path.Combine(Path.GetTempPath(), $"moosermail-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await FetchTextAsync());
        try
        {
            var result = JsonDocument.Parse(await NodeTools.RunAsync("validate-openapi.mjs", [file])).RootElement;

            Assert.True(result.GetProperty("valid").GetBoolean(), result.GetProperty("errors").ToString());
            Assert.StartsWith("3.1", result.GetProperty("version").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Document_DescribesBodiesSecurityAndProblems()
    {
        var document = await FetchAsync();
        var send = document["paths"]!["/api/send"]!["post"]!;
        var login = document["paths"]!["/api/auth/login"]!["post"]!;
        var schemes = document["components"]!["securitySchemes"]!;

        Assert.Equal("#/components/schemas/SendInput", send["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(document["components"]!["schemas"]!["SendInput"]!["properties"]!["scheduled_at"]);
        Assert.Contains(send["parameters"]!.AsArray(), p => p!["$ref"]?.GetValue<string>() == "#/components/parameters/IdempotencyKey");
        Assert.Contains(send["parameters"]!.AsArray(), p => p!["$ref"]?.GetValue<string>() == "#/components/parameters/Team");
        Assert.NotNull(send["responses"]!["202"]);
        Assert.Equal("#/components/schemas/Problem", send["responses"]!["403"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Empty(login["security"]!.AsArray());
        Assert.Equal("__Host-moosermail_session", schemes["session_cookie"]!["name"]!.GetValue<string>());
        Assert.Equal("bearer", schemes["bearer"]!["scheme"]!.GetValue<string>());
        Assert.NotNull(document["components"]!["schemas"]!["Problem"]!["properties"]!["correlation_id"]);
    }

    /// <summary>Every route the README names (its route tables and curl walkthrough) is in the document.</summary>
    [Fact]
    public async Task ReadmeRoutes_AreAllInTheDocument()
    {
        var documented = Operations(await FetchAsync()).Select(o => (o.Method, Pattern: Regex.Replace(o.Path, @"\{[^}]+\}", "{}"))).ToHashSet();
        var readme = await ReadmeWithoutSandboxAsync();

        var named = ReadmeRoute().Matches(readme)
            .Select(m => (Method: m.Groups["method"].Value, Path: Normalize(m.Groups["path"].Value)))
            .Where(r => !r.Path.StartsWith("/api/emails/", StringComparison.Ordinal) || r.Path.Contains('{', StringComparison.Ordinal))
            .ToList();

        Assert.True(named.Count > 30, $"only {named.Count} routes found in the README");
        Assert.Empty(named.Where(r => !documented.Contains(r)).Select(r => $"{r.Method} {r.Path}"));
    }

    [Fact]
    public async Task ReadmeCurlBodies_HaveOnlyPropertiesTheDocumentKnows()
    {
        var document = await FetchAsync();
        var readme = await ReadmeWithoutSandboxAsync();
        var checkedBodies = 0;
        foreach (Match curl in CurlCall().Matches(readme))
        {
            var method = curl.Groups["method"].Value;
            var path = "/api/" + curl.Groups["path"].Value.TrimStart('/');
            if (document["paths"]![path]?[method.ToLowerInvariant()]?["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>() is not { } reference)
            {
                continue;
            }

            var properties = document["components"]!["schemas"]![reference.Split('/')[^1]]!["properties"]!.AsObject();
            var body = JsonNode.Parse(curl.Groups["body"].Value.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("$SECRET", "x", StringComparison.Ordinal))!.AsObject();
            Assert.All(body, p => Assert.True(properties.ContainsKey(p.Key), $"README: {method} {path} sends '{p.Key}', which the document does not name"));
            checkedBodies++;
        }

        Assert.True(checkedBodies >= 4, $"only {checkedBodies} curl bodies checked");
    }

    [Fact]
    public async Task ApiDocs_IsServedFromTheApp_WithTheWebCsp()
    {
        using var client = app.CreateClient();

        using var page = await client.GetAsync("api/docs");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(WebAssets.DocsContentSecurityPolicy, page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.StartsWith("default-src 'self';", WebAssets.DocsContentSecurityPolicy);
        Assert.DoesNotContain("unsafe-", WebAssets.DocsContentSecurityPolicy, StringComparison.Ordinal);
        foreach (Match asset in Regex.Matches(html, "(?:src|href)=\"(?<url>[^\"]+)\""))
        {
            var url = asset.Groups["url"].Value;
            Assert.StartsWith("/api/docs/", url);
            using var file = await client.GetAsync(url.TrimStart('/'));
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        }

        using var outside = await client.GetAsync("api/docs/..%2Fwwwroot%2Fapp%2Findex.html");
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
    }

    /// <summary>The README less its section on the Resend sandbox, whose routes are Resend's, not ours.</summary>
    private static async Task<string> ReadmeWithoutSandboxAsync()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(NodeTools.Directory)!, "..", "README.md"));
        return Regex.Replace(readme, @"\n## Resend sandbox\n.*?(?=\n## )", "\n", RegexOptions.Singleline);
    }

    private static string Normalize(string path)
    {
        path = path.Split('?')[0].TrimEnd('.', ',');
        path = path.StartsWith("/api/", StringComparison.Ordinal) ? path : "/api" + path;
        return Regex.Replace(path, @"\{[^}]+\}", "{}");
    }

    private static IEnumerable<(string Method, string Path)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (o.Key.ToUpperInvariant(), p.Key)));

    private static IEnumerable<(string Name, string Method, string Path)> MetadataRoutes()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        var routes = new List<(string, string, string)>();
        foreach (var function in metadata.RootElement.EnumerateArray())
        {
            var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            if (trigger.GetProperty("type").GetString() != "httpTrigger")
            {
                continue;
            }

            var path = "/api/" + Regex.Replace(trigger.GetProperty("route").GetString()!, @"\{\*?([A-Za-z_]+)[^}]*\}", "{$1}");
            foreach (var method in trigger.GetProperty("methods").EnumerateArray())
            {
                routes.Add((function.GetProperty("name").GetString()!, method.GetString()!.ToUpperInvariant(), path));
            }
        }

        return routes;
    }

    private async Task<string> FetchTextAsync()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("api/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<JsonNode> FetchAsync() => JsonNode.Parse(await FetchTextAsync())!;

    [GeneratedRegex(@"`(?<method>GET|POST|PUT|PATCH|DELETE) (?<path>/[A-Za-z0-9_\-/{}.]+)")]
    private static partial Regex ReadmeRoute();

    [GeneratedRegex(@"curl -s -X (?<method>POST|PUT|PATCH) \$B/(?<path>[a-z/\-]+) [^\n]*?(?:\\\n[^\n]*?)?-d '(?<body>\{[^']*\})'")]
    private static partial Regex CurlCall();
}

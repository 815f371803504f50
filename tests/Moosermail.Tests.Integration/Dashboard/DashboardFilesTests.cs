using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Moosermail.Functions.Web;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Resend;

namespace Moosermail.Tests.Integration.Dashboard;

/// <summary>The built dashboard as the local host serves it: headers, no inline code, and Azure's copy of the headers.</summary>
[Collection(AppCollection.Name)]
public sealed partial class DashboardFilesTests(AppFixture app)
{
    [Fact]
    public async Task App_RedirectsToItsIndex_ServedWithTheWebCspAndNoCache()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        using var bare = await client.GetAsync("app");
        using var index = await client.GetAsync("app/");

        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("/app/", bare.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        Assert.Equal(WebAssets.ContentSecurityPolicy, index.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", index.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", index.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-cache", index.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Index_HasNoInlineScriptOrStyle_AndEveryAssetIsServedFromTheApp()
    {
        using var client = app.CreateClient();
        var html = await client.GetStringAsync("app/");

        Assert.DoesNotMatch(@"<script(?![^>]*\ssrc=)[^>]*>", html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
        var assets = Asset().Matches(html).Select(m => m.Groups["url"].Value).Where(u => !u.StartsWith('#')).ToList();
        Assert.NotEmpty(assets);
        foreach (var url in assets)
        {
            Assert.StartsWith("/app/assets/", url);
            using var asset = await client.GetAsync(url.TrimStart('/'));
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(WebAssets.ContentSecurityPolicy, asset.Headers.GetValues("Content-Security-Policy").Single());
            Assert.DoesNotContain("http://", await asset.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PathsOutsideTheBuild_AreNotServed()
    {
        using var client = app.CreateClient();

        using var traversal = await client.GetAsync("app/..%2Ffunctions.metadata");
        using var missing = await client.GetAsync("app/assets/nothing.js");

        Assert.Equal(HttpStatusCode.NotFound, traversal.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>In Azure, Static Web Apps serves the same files with the headers in web/staticwebapp.config.json.</summary>
    [Fact]
    public void StaticWebAppsConfig_CarriesTheSameCsp()
    {
        var path = Path.Combine(Path.GetDirectoryName(NodeTools.Directory)!, "..", "web", "staticwebapp.config.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var headers = config.RootElement.GetProperty("globalHeaders");

        Assert.Equal(WebAssets.ContentSecurityPolicy, headers.GetProperty("Content-Security-Policy").GetString());
        Assert.Equal("DENY", headers.GetProperty("X-Frame-Options").GetString());
    }

    [GeneratedRegex("(?:src|href)=\"(?<url>[^\"]+)\"")]
    private static partial Regex Asset();
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Functions.Hosting;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Hosting;

[Collection(AppCollection.Name)]
public sealed class LocalHostTests(AppFixture app)
{
    [Fact]
    public void EveryHttpFunctionInMetadata_IsServedAtItsRouteAndMethods()
    {
        var metadata = ReadMetadata().Where(f => f.Trigger == "httpTrigger").ToList();
        var endpoints = app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        Assert.NotEmpty(metadata);
        foreach (var function in metadata)
        {
            var endpoint = Assert.Single(endpoints, e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == function.Name);
            Assert.Equal($"api/{function.Route}", endpoint.RoutePattern.RawText);
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods;
            Assert.Equal(function.Methods.Select(m => m.ToUpperInvariant()).Order(), methods.Order());
        }
    }

    [Fact]
    public void EveryTimerFunctionInMetadata_IsScheduled()
    {
        var timers = ReadMetadata().Where(f => f.Trigger == "timerTrigger").Select(f => f.Name).ToList();
        var scheduled = app.App.Services.GetRequiredService<TimerScheduler>().Scheduled.Select(s => s.Function.Name).ToList();

        Assert.NotEmpty(timers);
        Assert.Equal(timers.Order(), scheduled.Order());
    }

    [Fact]
    public async Task Health_DatabaseUp_ReportsOkAndSchemaVersion()
    {
        using var client = app.CreateClient();

        var response = await client.GetAsync("api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("ok", body.RootElement.GetProperty("database").GetString());
        Assert.True(body.RootElement.GetProperty("schema_version").GetInt32() >= 1);
    }

    [Fact]
    public async Task Health_DatabaseUnreachable_Returns503WithoutExceptionText()
    {
        var settings = app.Settings();
        settings["MOOSERMAIL_DATABASE_URL"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=2";
        await using var down = app.BuildApp(settings);
        await down.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(down.Urls.First() + "/") };

        var response = await client.GetAsync("api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);
        Assert.Equal("unreachable", body.RootElement.GetProperty("database").GetString());
        Assert.DoesNotContain("Exception", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("refused", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AuthenticatedRoutes_DatabaseUnreachable_Answer503WithRetryAfter_NotA500()
    {
        var user = await TestUsers.CreateAsync(app);
        var settings = app.Settings();
        settings["MOOSERMAIL_DATABASE_URL"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=2";
        var logs = new LogCapture();
        await using var down = app.BuildApp(settings, logs);
        await down.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(down.Urls.First() + "/") };

        var list = await client.SendAsync(user.Request(HttpMethod.Get, "api/templates"));
        var login = await client.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = TestUsers.Password });

        foreach (var response in new[] { list, login })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("5", response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var text = await response.Content.ReadAsStringAsync();
            Assert.Contains("database is unavailable", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        }

        Assert.Contains(logs.Entries, e => e.Message.Contains("the database is unavailable", StringComparison.Ordinal) && e.Exception is not null);
    }

    [Theory]
    [InlineData("ENCRYPTION_KEY", "")]
    [InlineData("ENCRYPTION_KEY", "too-short")]
    [InlineData("ENCRYPTION_KEY", "0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("JWT_SECRET", "")]
    [InlineData("MOOSERMAIL_DATABASE_URL", "")]
    [InlineData("ENCRYPTION_KEYS_PREVIOUS", "abc")]
    public void Start_WithAMissingOrBadSecret_RefusesNamingTheSetting(string key, string value)
    {
        var settings = app.Settings();
        settings[key] = value;

        var ex = Assert.Throws<Moosermail.Core.Configuration.ConfigurationException>(() => app.BuildApp(settings));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "api/no-such-thing")]
    [InlineData("POST", "api/health/extra/segments")]
    [InlineData("DELETE", "api/health")]
    public async Task UnknownRoute_ReturnsJsonProblem404(string method, string path)
    {
        using var client = app.CreateClient();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, body.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("correlation_id").GetString()));
    }

    [Theory]
    [InlineData("api/health")]
    [InlineData("api/no-such-route")]
    [InlineData("api/auth/me")]
    public async Task EveryAnswer_CarriesTheSecurityHeaders(string path)
    {
        using var client = app.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_WithCorrelationHeader_EchoesItAndScopesEveryLogEntry()
    {
        using var client = app.CreateClient();
        var correlationId = $"test-{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/not-a-route");
        request.Headers.Add("X-Correlation-Id", correlationId);

        var response = await client.SendAsync(request);

        Assert.Equal(correlationId, response.Headers.GetValues("X-Correlation-Id").Single());
        var ours = app.Logs.Entries.Where(e => e.Category.StartsWith("Moosermail", StringComparison.Ordinal) && e.Message.Contains("not-a-route", StringComparison.Ordinal) is false).ToList();
        var answered = Assert.Single(app.Logs.Entries, e => e.Scopes.Any(s => s.Contains(correlationId, StringComparison.Ordinal)));
        Assert.Contains("404", answered.Message, StringComparison.Ordinal);
    }

    private static List<(string Name, string Trigger, string? Route, string[] Methods)> ReadMetadata()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, FunctionCatalog.MetadataFileName)));
        return document.RootElement.EnumerateArray().Select(function =>
        {
            var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            return (
                function.GetProperty("name").GetString()!,
                trigger.GetProperty("type").GetString()!,
                trigger.TryGetProperty("route", out var route) ? route.GetString() : null,
                trigger.TryGetProperty("methods", out var methods) ? methods.EnumerateArray().Select(m => m.GetString()!).ToArray() : []);
        }).ToList();
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moosermail.Functions.Hosting;
using Moosermail.Functions.Pipeline;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Pipeline;

/// <summary>The real middleware chain, with a function that fails in a way nobody planned for.</summary>
public sealed class ErrorHandlingTests
{
    [Fact]
    public async Task UnexpectedException_IsAGeneric500WithOnlyTheCorrelationId_AndTheDetailIsLogged()
    {
        var logs = new LogCapture();
        await using var services = new ServiceCollection()
            .AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddSingleton<CorrelationMiddleware>()
            .AddSingleton<ErrorHandlingMiddleware>()
            .BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Response.Body = new MemoryStream();
        var context = new LocalFunctionContext("Exploding", typeof(ErrorHandlingTests).GetMethod(nameof(UnexpectedException_IsAGeneric500WithOnlyTheCorrelationId_AndTheDetailIsLogged))!, services, CancellationToken.None);
        context.Items[LocalFunctionContext.HttpContextItemKey] = http;
        var correlation = services.GetRequiredService<CorrelationMiddleware>();
        var errors = services.GetRequiredService<ErrorHandlingMiddleware>();

        await correlation.Invoke(context, c => errors.Invoke(c, _ => throw new InvalidOperationException("db password is hunter2 at Host=10.0.0.5")));

        http.Response.Body.Position = 0;
        var text = await new StreamReader(http.Response.Body).ReadToEndAsync();
        using var body = JsonDocument.Parse(text);
        var correlationId = http.Response.Headers["X-Correlation-Id"].ToString();
        Assert.Equal(500, http.Response.StatusCode);
        Assert.Equal("application/problem+json", http.Response.ContentType);
        Assert.Equal(correlationId, body.RootElement.GetProperty("correlation_id").GetString());
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        var logged = Assert.Single(logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("hunter2", logged.Exception, StringComparison.Ordinal);
        Assert.Contains(correlationId, string.Join(' ', logged.Scopes), StringComparison.Ordinal);
    }
}

namespace Moosermail.ResendSandbox;

/// <summary>
/// A local Resend: Resend's paths, bodies, limits, error shapes, rate-limit headers and Idempotency-Key, plus
/// Svix-signed webhooks. In memory; every re_ key is its own account.
/// </summary>
public static class SandboxApp
{
    /// <summary>
    /// Builds the app without starting it. Tests pass "--urls http://127.0.0.1:0" (or set UseUrls), their own
    /// options and a FakeTimeProvider; the program passes only args (setting RateLimitPerSecond is read from them).
    /// </summary>
    public static WebApplication Build(string[] args, Action<SandboxOptions>? configure = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = new SandboxOptions();
        options.RateLimitPerSecond = builder.Configuration.GetValue(nameof(SandboxOptions.RateLimitPerSecond), options.RateLimitPerSecond);
        options.StateFile = builder.Configuration.GetValue<string?>(nameof(SandboxOptions.StateFile));
        configure?.Invoke(options);

        // The host logs a failed or cancelled start with its stack trace; SandboxProgram says it in one line instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxAttachmentBytes + (8 * 1024 * 1024));
        builder.Services.ConfigureHttpJsonOptions(json => SandboxJson.Configure(json.SerializerOptions));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton<SandboxState>();
        builder.Services.AddSingleton<SendValidation>();
        builder.Services.AddSingleton<IdempotentSend>();
        builder.Services.AddSingleton<EmailLifecycle>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        builder.Services.AddHostedService<EmailScheduler>();
        builder.Services.AddHostedService<SandboxPersistence>();
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(15));

        var app = builder.Build();
        app.UseStatusCodePages(async context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            await new ResendErrorBody(status, status == 405 ? "Method not allowed" : "The requested endpoint does not exist.",
                status == 405 ? "method_not_allowed" : "not_found").WriteAsync(context.HttpContext);
        });
        app.UseMiddleware<ResendGate>();
        app.MapSendRoutes();
        app.MapEmailRoutes();
        app.MapWebhookRoutes();
        app.MapControlRoutes();
        return app;
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moosermail.Core;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Hosting;

/// <summary>
/// Serves the app as a plain ASP.NET Core host when no Functions host started it: every HTTP trigger in
/// functions.metadata at its route (with host.json's prefix) and methods, every timer on its schedule,
/// all through the same middleware as under func.
/// </summary>
public static class LocalHost
{
    public const string PortKey = "MOOSERMAIL_PORT";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var baseDirectory = AppContext.BaseDirectory;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = baseDirectory });
        builder.Configuration.AddLocalSettingsValues(Path.Combine(baseDirectory, "local.settings.json"));
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
        builder.Logging.KeepUrlsOutOfLogs();
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls($"http://localhost:{builder.Configuration[PortKey] ?? "7071"}");
        }

        configure?.Invoke(builder);

        var catalog = FunctionCatalog.Load(baseDirectory, typeof(LocalHost).Assembly);
        builder.Services.AddMoosermailCore(builder.Configuration);
        builder.Services.AddMoosermailFunctions();
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton<TimerScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerScheduler>());

        var app = builder.Build();
        DashboardFiles.Map(app);
        var prefix = RoutePrefix(baseDirectory);
        foreach (var function in catalog.Http)
        {
            var pattern = string.IsNullOrEmpty(prefix) ? function.Route : $"{prefix}/{function.Route}";
            app.MapMethods(pattern, function.Methods, http => LocalInvoker.InvokeHttpAsync(http, function))
                .WithName(function.Name);
        }

        return app;
    }

    /// <summary>extensions.http.routePrefix from host.json, "api" when absent, as the Functions host reads it.</summary>
    public static string RoutePrefix(string directory)
    {
        var path = Path.Combine(directory, "host.json");
        if (!File.Exists(path))
        {
            return "api";
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            ? prefix.GetString()?.Trim('/') ?? string.Empty
            : "api";
    }
}

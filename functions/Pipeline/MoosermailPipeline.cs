using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Sending;
using Moosermail.Functions.Mcp;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// The cross-cutting steps every invocation passes through, in order, under both hosts: the Functions
/// worker registers them as worker middleware, and the local host composes the very same list around its
/// own invoker. A check added here runs under func start, in Azure and in the tests alike.
/// </summary>
public static class MoosermailPipeline
{
    /// <summary>Outermost first.</summary>
    public static readonly IReadOnlyList<Type> Middleware =
    [
        typeof(CorrelationMiddleware),
        typeof(SecurityHeadersMiddleware),
        typeof(ErrorHandlingMiddleware),
        typeof(RequestGuardMiddleware),
        typeof(SchemaGateMiddleware),
        typeof(RateLimitMiddleware),
        typeof(AuthenticationMiddleware),
        typeof(CallerRateLimitMiddleware),
    ];

    public static void Use(IFunctionsWorkerApplicationBuilder builder)
    {
        foreach (var type in Middleware)
        {
            builder.Use(next => context => Resolve(context, type).Invoke(context, next));
        }
    }

    /// <summary>Wraps <paramref name="terminal"/> (the function itself) in the middleware, as the worker does.</summary>
    public static FunctionExecutionDelegate Compose(FunctionExecutionDelegate terminal)
    {
        var pipeline = terminal;
        foreach (var type in Middleware.Reverse())
        {
            var next = pipeline;
            pipeline = context => Resolve(context, type).Invoke(context, next);
        }

        return pipeline;
    }

    /// <summary>Services the functions layer needs under either host.</summary>
    public static IServiceCollection AddMoosermailFunctions(this IServiceCollection services)
    {
        foreach (var type in Middleware)
        {
            services.AddSingleton(type);
        }

        services.AddSingleton<FloodGuard>();
        services.AddSingleton<RequestLimiter>();
        services.AddSingleton(provider => McpSettings.Load(provider.GetRequiredService<IConfiguration>()));
        services.AddScoped<McpTools>();
        services.AddScoped<McpStatelessServer>();
        services.Configure<JsonOptions>(options => ConfigureJson(options.SerializerOptions));
        return services;
    }

    /// <summary>The API speaks snake_case JSON, like the original product and Resend (one definition: <see cref="ApiJson"/>).</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = ApiJson.Options.PropertyNamingPolicy;
        options.DictionaryKeyPolicy = ApiJson.Options.DictionaryKeyPolicy;
        options.DefaultIgnoreCondition = ApiJson.Options.DefaultIgnoreCondition;
    }

    private static IFunctionsWorkerMiddleware Resolve(FunctionContext context, Type type) =>
        (IFunctionsWorkerMiddleware)context.InstanceServices.GetRequiredService(type);
}

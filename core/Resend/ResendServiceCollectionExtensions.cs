using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polly;

namespace Moosermail.Core.Resend;

public static class ResendServiceCollectionExtensions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Registers <see cref="ResendClient"/> over a named HttpClient with a User-Agent (Resend refuses requests
    /// without one) and a per-attempt timeout. No retry handler: sends are retried only by the outbox, with
    /// their idempotency key.
    /// </summary>
    public static IServiceCollection AddResendClient(this IServiceCollection services, Uri baseUrl, TimeSpan? timeout = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(ResendClient.HttpClientName, http =>
            {
                // Without the trailing slash a base path (e.g. a proxy prefix) would be dropped by relative URIs.
                http.BaseAddress = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
                http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("moosermail", "1.0"));
                http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            // IHttpClientFactory's own loggers write every request's URL at Information and each network failure
            // with its stack trace; ResendClient logs one line per failed call instead.
            .RemoveAllLoggers()
            .AddResilienceHandler("resend-timeout", pipeline =>
            {
                // A network timeout is wall-clock time. Left to the container's TimeProvider, a test's fake clock
                // would also drive Polly's dispose, which waits for in-flight calls on that clock and never returns.
                pipeline.TimeProvider = TimeProvider.System;
                pipeline.AddTimeout(timeout ?? DefaultTimeout);
            });
        services.TryAddSingleton<ResendClient>();
        return services;
    }
}

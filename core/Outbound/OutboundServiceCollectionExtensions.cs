using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Moosermail.Core.Outbound;

public static class OutboundServiceCollectionExtensions
{
    /// <summary>The guard, its settings (validated here, at start) and its named HttpClient without request logging (URLs may carry a team's tokens).</summary>
    public static IServiceCollection AddOutboundGuard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(OutboundSettings.Load(configuration));
        services.TryAddSingleton<IOutboundHostResolver, DnsOutboundHostResolver>();
        services.AddSingleton<OutboundHttpGuard>();
        services.AddHttpClient(OutboundHttpGuard.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundHttpGuard>().CreateHandler())
            .RemoveAllLoggers();
        return services;
    }
}

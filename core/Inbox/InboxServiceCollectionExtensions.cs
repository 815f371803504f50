using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Moosermail.Core.Inbox;

public static class InboxServiceCollectionExtensions
{
    public static readonly TimeSpan AttachmentTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Received mail: storage, the content job, the backfill and the read API (one line in MoosermailCore).</summary>
    public static IServiceCollection AddInbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(InboxOptions.Load(configuration));
        services.AddSingleton<InboxRepository>();
        services.AddSingleton<InboxFetchRepository>();
        services.AddSingleton<InboxSyncRepository>();
        services.AddSingleton<InboxResend>();
        services.AddSingleton<InboxReceiver>();
        services.AddSingleton<InboxContentFetcher>();
        services.AddSingleton<InboxBackfill>();
        services.AddSingleton<InboxService>();
        services.AddSingleton<InboxAttachmentService>();

        // Signed download URLs only: no redirects (a redirect could leave the allowed hosts), no cookies, a timeout.
        services.AddHttpClient(InboxAttachmentService.HttpClientName, http => http.Timeout = AttachmentTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
            // A signed download URL is a capability for an hour: IHttpClientFactory's loggers would write it whole.
            .RemoveAllLoggers();
        return services;
    }
}

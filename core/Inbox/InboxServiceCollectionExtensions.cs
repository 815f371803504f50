using Microsoft.Extensions.DependencyInjection;

namespace Moosermail.Core.Inbox;

public static class InboxServiceCollectionExtensions
{
    /// <summary>Received mail: storage, the content job, the backfill and the read API (one line in MoosermailCore).</summary>
    public static IServiceCollection AddInbox(this IServiceCollection services)
    {
        services.AddSingleton<InboxRepository>();
        return services;
    }
}

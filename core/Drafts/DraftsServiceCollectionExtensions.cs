using Microsoft.Extensions.DependencyInjection;

namespace Moosermail.Core.Drafts;

public static class DraftsServiceCollectionExtensions
{
    /// <summary>Drafts and replies to received mail (one line in MoosermailCore).</summary>
    public static IServiceCollection AddDrafts(this IServiceCollection services)
    {
        services.AddSingleton<DraftRepository>();
        services.AddSingleton<DraftService>();
        services.AddSingleton<ReplyRepository>();
        services.AddSingleton<ReplyService>();
        return services;
    }
}

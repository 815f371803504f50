using Moosermail.Core.Errors;
using Moosermail.Core.Security;

namespace Moosermail.Core.Stats;

/// <summary>GET /api/stats: the team's delivery funnel over a window of send times.</summary>
public sealed class StatsService(StatsRepository stats)
{
    public Task<DeliveryStats> GetAsync(Caller caller, DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        if (since is { } from && until is { } to && from >= to)
        {
            throw new ValidationFailedException("until", "must be after since.");
        }

        return stats.ForTeamAsync(caller.TeamId, since, until, cancellationToken);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Security;
using Moosermail.Core.Stats;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Stats;

public sealed class StatsFunctions(StatsService stats)
{
    /// <summary>GET /api/stats?since=&amp;until=: the team's delivery funnel for emails created in the window.</summary>
    [Function(nameof(GetStats))]
    [RequiresPermission(Permissions.EmailsRead)]
    public async Task<IResult> GetStats(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "stats")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.EmailsRead);
        var query = new QueryParameters(request.Query);
        var (since, until) = (query.Time("since"), query.Time("until"));
        query.ThrowIfInvalid();
        return Results.Json(new { since, until, counts = await stats.GetAsync(caller, since, until, context.CancellationToken) });
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Health;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Health;

public sealed class HealthFunction(HealthService health)
{
    [Function(nameof(Health))]
    [PublicFunction]
    [ExemptFromRateLimit("Load balancers and uptime probes poll it; a refused probe would take the instance out.")]
    public async Task<IResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckAsync(cancellationToken);
        return report.DatabaseReachable
            ? Results.Json(new { status = "ok", database = "ok", schema_version = report.SchemaVersion })
            : Results.Json(new { status = "degraded", database = "unreachable", schema_version = (int?)null }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

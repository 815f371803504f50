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
        return report switch
        {
            { Healthy: true } => Results.Json(new { status = "ok", database = "ok", schema = report.Schema, schema_version = report.SchemaVersion }),
            { DatabaseReachable: true } => Results.Json(new { status = "degraded", database = "ok", schema = report.Schema, schema_version = report.SchemaVersion }, statusCode: StatusCodes.Status503ServiceUnavailable),
            _ => Results.Json(new { status = "degraded", database = "unreachable", schema = report.Schema, schema_version = (int?)null }, statusCode: StatusCodes.Status503ServiceUnavailable),
        };
    }
}

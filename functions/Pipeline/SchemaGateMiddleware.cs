using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Core.Health;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// Nothing but the health probe runs against a schema this build does not match: HTTP calls get a 503
/// naming the fix ("schema missing: run migrate"), timers skip their run.
/// </summary>
public sealed class SchemaGateMiddleware(SchemaGate gate, ILogger<SchemaGateMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.FunctionDefinition.Name == nameof(Health.HealthFunction.Health) || await gate.RefusalAsync(context.CancellationToken) is not { } refusal)
        {
            await next(context);
            return;
        }

        if (context.GetHttpContext() is null)
        {
            logger.LogWarning("{Function} skipped: database {Schema}", context.FunctionDefinition.Name, refusal);
            return;
        }

        throw new NotConfiguredException($"The database {refusal}.");
    }
}

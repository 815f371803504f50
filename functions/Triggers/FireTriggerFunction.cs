using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Triggers;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Triggers;

/// <summary>The public link that fires a trigger (the original's route). The key in the path is the credential.</summary>
public sealed class FireTriggerFunction(TriggerFiring firing)
{
    [Function(nameof(FireTrigger))]
    [PublicFunction]
    public async Task<IResult> FireTrigger(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "trigger/{key}")] HttpRequest request, string key, FunctionContext context)
    {
        var input = request.ContentLength is 0 ? new FireTriggerInput(null, null, null) : await request.ReadJsonAsync<FireTriggerInput>(context.CancellationToken);
        var idempotencyKey = request.Headers.TryGetValue("Idempotency-Key", out var value) ? value.ToString() : null;
        var response = await firing.FireAsync(key, input, idempotencyKey, context.CancellationToken);
        return Results.Content(response.Json, response.Status >= 400 ? ProblemResponse.ContentType : "application/json", statusCode: response.Status);
    }
}

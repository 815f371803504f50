using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Core.Sending;
using Moosermail.Core.Triggers;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;
using Moosermail.Functions.Sending;

namespace Moosermail.Functions.Triggers;

/// <summary>
/// The public link that fires a trigger. The key is the credential: in the path (the original's route) or,
/// better, in the X-Trigger-Key header, which keeps it out of access logs and request telemetry. A team member
/// fires by id instead, with emails:send, and may then choose recipients and reach contacts by tag.
/// </summary>
public sealed class FireTriggerFunction(TriggerFiring firing)
{
    public const string KeyHeader = "X-Trigger-Key";

    [Function(nameof(FireTrigger))]
    [PublicFunction]
    public Task<IResult> FireTrigger(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "trigger/{key}")] HttpRequest request, string key, FunctionContext context) =>
        FireAsync(request, key, context.CancellationToken);

    [Function(nameof(FireTriggerByHeader))]
    [PublicFunction]
    public Task<IResult> FireTriggerByHeader(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "trigger")] HttpRequest request, FunctionContext context) =>
        FireAsync(request, request.Headers[KeyHeader].ToString(), context.CancellationToken);

    [Function(nameof(FireTriggerAsMember))]
    [RequiresPermission(Permissions.EmailsSend)]
    public async Task<IResult> FireTriggerAsMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "triggers/{id:guid}/fire")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.EmailsSend);
        var input = await InputAsync(request, context.CancellationToken);
        return SendAnswers.Fire(await firing.FireAsMemberAsync(caller.TeamId, id, input, IdempotencyKey(request), context.CancellationToken));
    }

    private async Task<IResult> FireAsync(HttpRequest request, string key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new NotAuthenticatedException($"Send the trigger key in the {KeyHeader} header (or POST /api/trigger/{{key}}).");
        }

        var input = await InputAsync(request, cancellationToken);
        return SendAnswers.Fire(await firing.FireAsync(key.Trim(), input, IdempotencyKey(request), cancellationToken));
    }

    private static async Task<FireTriggerInput> InputAsync(HttpRequest request, CancellationToken cancellationToken) =>
        await request.ReadOptionalJsonAsync<FireTriggerInput>(cancellationToken) ?? new FireTriggerInput(null, null, null);

    private static string? IdempotencyKey(HttpRequest request) =>
        request.Headers.TryGetValue(IdempotencyKeys.Header, out var value) ? value.ToString() : null;
}

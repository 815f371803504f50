using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Security;
using Moosermail.Core.Triggers;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Triggers;

/// <summary>Trigger management (§2.9). The key is in the create and rotate responses and nowhere else.</summary>
public sealed class TriggerFunctions(TriggerService triggers)
{
    [Function(nameof(CreateTrigger))]
    [RequiresPermission(Permissions.TriggersWrite)]
    public async Task<IResult> CreateTrigger(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "triggers")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.TriggersWrite);
        var body = await request.ReadJsonAsync<CreateTriggerRequest>(context.CancellationToken);
        var created = await triggers.CreateAsync(caller, body, context.CancellationToken);
        return Results.Json(new { trigger = created }, statusCode: StatusCodes.Status201Created);
    }

    [Function(nameof(ListTriggers))]
    [RequiresPermission(Permissions.TriggersRead)]
    public async Task<IResult> ListTriggers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "triggers")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.TriggersRead);
        return Results.Json(new { triggers = await triggers.ListAsync(caller, context.CancellationToken) });
    }

    [Function(nameof(GetTrigger))]
    [RequiresPermission(Permissions.TriggersRead)]
    public async Task<IResult> GetTrigger(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "triggers/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.TriggersRead);
        return Results.Json(new { trigger = await triggers.GetAsync(caller, id, context.CancellationToken) });
    }

    [Function(nameof(UpdateTrigger))]
    [RequiresPermission(Permissions.TriggersWrite)]
    public async Task<IResult> UpdateTrigger(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "triggers/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.TriggersWrite);
        var body = await request.ReadJsonAsync<UpdateTriggerRequest>(context.CancellationToken);
        return Results.Json(new { trigger = await triggers.UpdateAsync(caller, id, body, context.CancellationToken) });
    }

    [Function(nameof(RotateTriggerKey))]
    [RequiresPermission(Permissions.TriggersWrite)]
    public async Task<IResult> RotateTriggerKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "triggers/{id:guid}/rotate")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.TriggersWrite);
        return Results.Json(new { trigger = await triggers.RotateKeyAsync(caller, id, context.CancellationToken) });
    }

    [Function(nameof(DeleteTrigger))]
    [RequiresPermission(Permissions.TriggersWrite)]
    public async Task<IResult> DeleteTrigger(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "triggers/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.TriggersWrite);
        await triggers.DeleteAsync(caller, id, context.CancellationToken);
        return Results.NoContent();
    }
}

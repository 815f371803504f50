using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Security;
using Moosermail.Core.Senders;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Senders;

/// <summary>The team's Resend keys, at the original product's /api/keys, several per team.</summary>
public sealed class SenderFunctions(SenderService senders)
{
    [Function(nameof(CreateSender))]
    [RequiresPermission(Permissions.SendersWrite)]
    public async Task<IResult> CreateSender(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.SendersWrite);
        var body = await request.ReadJsonAsync<CreateSenderRequest>(context.CancellationToken);
        return Results.Json(await senders.CreateAsync(caller, body, context.CancellationToken), statusCode: StatusCodes.Status201Created);
    }

    [Function(nameof(ListSenders))]
    [RequiresPermission(Permissions.SendersRead)]
    public async Task<IResult> ListSenders(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "keys")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.SendersRead);
        return Results.Json(new { keys = await senders.ListAsync(caller, context.CancellationToken) });
    }

    [Function(nameof(UpdateSender))]
    [RequiresPermission(Permissions.SendersWrite)]
    public async Task<IResult> UpdateSender(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "keys/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.SendersWrite);
        var body = await request.ReadJsonAsync<UpdateSenderRequest>(context.CancellationToken);
        return Results.Json(await senders.UpdateAsync(caller, id, body, context.CancellationToken));
    }

    [Function(nameof(DeleteSender))]
    [RequiresPermission(Permissions.SendersWrite)]
    public async Task<IResult> DeleteSender(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "keys/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.SendersWrite);
        await senders.DeleteAsync(caller, id, context.CancellationToken);
        return Results.NoContent();
    }
}

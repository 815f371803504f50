using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Drafts;
using Moosermail.Core.Security;
using Moosermail.Core.Sending;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;
using Moosermail.Functions.Sending;

namespace Moosermail.Functions.Drafts;

/// <summary>The team's drafts (drafts:write; sending one needs emails:send too, checked in core).</summary>
public sealed class DraftFunctions(DraftService drafts)
{
    /// <summary>Room for both bodies at their limit (<see cref="DraftRules.MaxBodyChars"/> each) as JSON.</summary>
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    [Function(nameof(CreateDraft))]
    [RequiresPermission(Permissions.DraftsWrite)]
    public async Task<IResult> CreateDraft(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "drafts")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.DraftsWrite);
        var body = await request.ReadJsonAsync<DraftInput>(context.CancellationToken, MaxBodyBytes);
        return Results.Json(new { draft = await drafts.CreateAsync(caller, body, context.CancellationToken) }, statusCode: StatusCodes.Status201Created);
    }

    [Function(nameof(ListDrafts))]
    [RequiresPermission(Permissions.DraftsWrite)]
    public async Task<IResult> ListDrafts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "drafts")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.DraftsWrite);
        return Results.Json(new { drafts = await drafts.ListAsync(caller, context.CancellationToken) });
    }

    [Function(nameof(GetDraft))]
    [RequiresPermission(Permissions.DraftsWrite)]
    public async Task<IResult> GetDraft(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "drafts/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.DraftsWrite);
        return Results.Json(new { draft = await drafts.GetAsync(caller, id, context.CancellationToken) });
    }

    [Function(nameof(UpdateDraft))]
    [RequiresPermission(Permissions.DraftsWrite)]
    public async Task<IResult> UpdateDraft(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "drafts/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.DraftsWrite);
        var body = await request.ReadJsonAsync<DraftInput>(context.CancellationToken, MaxBodyBytes);
        return Results.Json(new { draft = await drafts.UpdateAsync(caller, id, body, context.CancellationToken) });
    }

    [Function(nameof(DeleteDraft))]
    [RequiresPermission(Permissions.DraftsWrite)]
    public async Task<IResult> DeleteDraft(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "drafts/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.DraftsWrite);
        await drafts.DeleteAsync(caller, id, context.CancellationToken);
        return Results.NoContent();
    }

    /// <summary>As POST /api/send answers: 200 sent, 202 queued, 422 refused by Resend; 409 when the draft was already sent.</summary>
    [Function(nameof(SendDraft))]
    [RequiresPermission(Permissions.DraftsWrite)]
    public async Task<IResult> SendDraft(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "drafts/{id:guid}/send")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.DraftsWrite);
        var key = request.Headers.TryGetValue(IdempotencyKeys.Header, out var value) ? value.ToString() : null;
        return SendAnswers.Send(await drafts.SendAsync(caller, id, key, context.CancellationToken), context);
    }
}

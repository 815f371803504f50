using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Pipes;
using Moosermail.Core.Security;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Pipes;

/// <summary>Pipe management (§2.11): rules on the team's received mail.</summary>
public sealed class PipeFunctions(PipeService pipes)
{
    [Function(nameof(CreatePipe))]
    [RequiresPermission(Permissions.PipesWrite)]
    public async Task<IResult> CreatePipe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pipes")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.PipesWrite);
        var body = await request.ReadJsonAsync<CreatePipeRequest>(context.CancellationToken);
        return Results.Json(new { pipe = await pipes.CreateAsync(caller, body, context.CancellationToken) }, statusCode: StatusCodes.Status201Created);
    }

    [Function(nameof(ListPipes))]
    [RequiresPermission(Permissions.PipesRead)]
    public async Task<IResult> ListPipes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pipes")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.PipesRead);
        return Results.Json(new { pipes = await pipes.ListAsync(caller, context.CancellationToken) });
    }

    [Function(nameof(GetPipe))]
    [RequiresPermission(Permissions.PipesRead)]
    public async Task<IResult> GetPipe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pipes/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.PipesRead);
        return Results.Json(new { pipe = await pipes.GetAsync(caller, id, context.CancellationToken) });
    }

    [Function(nameof(UpdatePipe))]
    [RequiresPermission(Permissions.PipesWrite)]
    public async Task<IResult> UpdatePipe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "pipes/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.PipesWrite);
        var body = await request.ReadJsonAsync<UpdatePipeRequest>(context.CancellationToken);
        return Results.Json(new { pipe = await pipes.UpdateAsync(caller, id, body, context.CancellationToken) });
    }

    [Function(nameof(ListPipeRuns))]
    [RequiresPermission(Permissions.PipesRead)]
    public async Task<IResult> ListPipeRuns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pipes/{id:guid}/runs")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.PipesRead);
        var query = new QueryParameters(request.Query);
        var limit = query.WholeNumber("limit");
        query.ThrowIfInvalid();
        return Results.Json(new { runs = await pipes.ListRunsAsync(caller, id, limit, context.CancellationToken) });
    }

    [Function(nameof(DeletePipe))]
    [RequiresPermission(Permissions.PipesWrite)]
    public async Task<IResult> DeletePipe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "pipes/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.PipesWrite);
        await pipes.DeleteAsync(caller, id, context.CancellationToken);
        return Results.NoContent();
    }
}

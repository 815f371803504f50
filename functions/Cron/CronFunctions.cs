using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Cron;
using Moosermail.Core.Security;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Cron;

/// <summary>Cron jobs (§2.10): a template sent on a schedule. Runs are made by <see cref="CronTimerFunction"/>.</summary>
public sealed class CronFunctions(CronService cron)
{
    [Function(nameof(CreateCronJob))]
    [RequiresPermission(Permissions.CronWrite)]
    public async Task<IResult> CreateCronJob(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cron")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.CronWrite);
        var body = await request.ReadJsonAsync<CreateCronJobRequest>(context.CancellationToken);
        return Results.Json(new { cron_job = await cron.CreateAsync(caller, body, context.CancellationToken) }, statusCode: StatusCodes.Status201Created);
    }

    [Function(nameof(ListCronJobs))]
    [RequiresPermission(Permissions.CronRead)]
    public async Task<IResult> ListCronJobs(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cron")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.CronRead);
        return Results.Json(new { cron_jobs = await cron.ListAsync(caller, context.CancellationToken) });
    }

    [Function(nameof(GetCronJob))]
    [RequiresPermission(Permissions.CronRead)]
    public async Task<IResult> GetCronJob(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cron/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.CronRead);
        return Results.Json(new { cron_job = await cron.GetAsync(caller, id, context.CancellationToken) });
    }

    [Function(nameof(UpdateCronJob))]
    [RequiresPermission(Permissions.CronWrite)]
    public async Task<IResult> UpdateCronJob(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "cron/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.CronWrite);
        var body = await request.ReadJsonAsync<UpdateCronJobRequest>(context.CancellationToken);
        return Results.Json(new { cron_job = await cron.UpdateAsync(caller, id, body, context.CancellationToken) });
    }

    [Function(nameof(DeleteCronJob))]
    [RequiresPermission(Permissions.CronWrite)]
    public async Task<IResult> DeleteCronJob(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "cron/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.CronWrite);
        await cron.DeleteAsync(caller, id, context.CancellationToken);
        return Results.NoContent();
    }

    [Function(nameof(ListCronRuns))]
    [RequiresPermission(Permissions.CronRead)]
    public async Task<IResult> ListCronRuns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cron/{id:guid}/runs")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.CronRead);
        var query = new QueryParameters(request.Query);
        var limit = query.WholeNumber("limit");
        query.ThrowIfInvalid();
        return Results.Json(new { runs = await cron.ListRunsAsync(caller, id, limit, context.CancellationToken) });
    }
}

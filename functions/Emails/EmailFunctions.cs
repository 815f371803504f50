using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Emails;
using Moosermail.Core.Security;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Emails;

/// <summary>The send log: list, one email with its timeline, cancel or reschedule a scheduled email.</summary>
public sealed class EmailFunctions(EmailService emails)
{
    [Function(nameof(ListEmails))]
    [RequiresPermission(Permissions.EmailsRead)]
    public async Task<IResult> ListEmails(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "emails")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.EmailsRead);
        var query = new QueryParameters(request.Query);
        var filter = new EmailFilter(query.Text("status"), query.Text("to"), query.Text("from"), query.Time("since"), query.Time("until"),
            query.Text("tag"), query.Text("cursor"), query.WholeNumber("limit") ?? 50);
        query.ThrowIfInvalid();
        var page = await emails.ListAsync(caller, filter, context.CancellationToken);
        return Results.Json(new { data = page.Data, next_cursor = page.NextCursor });
    }

    [Function(nameof(GetEmail))]
    [RequiresPermission(Permissions.EmailsRead)]
    public async Task<IResult> GetEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "emails/{id:guid}")] HttpRequest request, Guid id, FunctionContext context) =>
        Results.Json(Shape(await emails.GetAsync(context.Authorize(Permissions.EmailsRead), id, context.CancellationToken)));

    [Function(nameof(CancelEmail))]
    [RequiresPermission(Permissions.EmailsSend)]
    public async Task<IResult> CancelEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "emails/{id:guid}/cancel")] HttpRequest request, Guid id, FunctionContext context) =>
        Results.Json(Shape(await emails.CancelAsync(context.Authorize(Permissions.EmailsSend), id, context.CancellationToken)));

    [Function(nameof(RescheduleEmail))]
    [RequiresPermission(Permissions.EmailsSend)]
    public async Task<IResult> RescheduleEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "emails/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.EmailsSend);
        var body = await request.ReadJsonAsync<RescheduleRequest>(context.CancellationToken);
        return Results.Json(Shape(await emails.RescheduleAsync(caller, id, body.ScheduledAt, context.CancellationToken)));
    }

    [Function(nameof(SendLog))]
    [RequiresPermission(Permissions.EmailsRead)]
    public async Task<IResult> SendLog(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "send-log")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.EmailsRead);
        var query = new QueryParameters(request.Query);
        var limit = query.WholeNumber("limit");
        query.ThrowIfInvalid();
        return Results.Json(new { logs = await emails.SendLogAsync(caller, limit, context.CancellationToken) });
    }

    private static object Shape(EmailDetail detail) => new { email = detail.Email, events = detail.Events };

    public sealed record RescheduleRequest(DateTimeOffset? ScheduledAt);
}

using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Errors;
using Moosermail.Core.Inbox;
using Moosermail.Core.Security;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Inbox;

/// <summary>The team's received mail: list and search, one email (reading marks nothing), its state, threads, attachments.</summary>
public sealed class InboxFunctions(InboxService inbox, InboxAttachmentService attachments)
{
    [Function(nameof(ListInbox))]
    [RequiresPermission(Permissions.InboxRead)]
    public async Task<IResult> ListInbox(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inbox")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.InboxRead);
        var query = new QueryParameters(request.Query);
        var flags = new QueryFlags(request.Query);
        var filter = new InboxQuery
        {
            Cursor = query.Text("cursor"),
            Limit = query.WholeNumber("limit") ?? 50,
            Unread = flags.Flag("unread"),
            Search = query.Text("q"),
            From = query.Text("from"),
            Label = query.Text("label"),
            Thread = query.Id("thread"),
            IncludeHidden = flags.Flag("hidden") ?? false,
            Archived = flags.Flag("archived"),
        };
        query.ThrowIfInvalid();
        flags.ThrowIfInvalid();
        var page = await inbox.ListAsync(caller, filter, context.CancellationToken);
        return Results.Json(new { data = page.Data, next_cursor = page.NextCursor });
    }

    [Function(nameof(GetInboxEmail))]
    [RequiresPermission(Permissions.InboxRead)]
    public async Task<IResult> GetInboxEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inbox/{id:guid}")] HttpRequest request, Guid id, FunctionContext context) =>
        Results.Json(new { email = await inbox.GetAsync(context.Authorize(Permissions.InboxRead), id, context.CancellationToken) });

    [Function(nameof(UpdateInboxEmail))]
    [RequiresPermission(Permissions.InboxWrite)]
    public async Task<IResult> UpdateInboxEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "inbox/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.InboxWrite);
        var body = await request.ReadJsonAsync<InboxPatchRequest>(context.CancellationToken);
        var update = new InboxUpdate(body.Read, body.Archived, body.Hidden, body.Labels);
        return Results.Json(new { email = await inbox.UpdateAsync(caller, id, update, context.CancellationToken) });
    }

    [Function(nameof(GetInboxThread))]
    [RequiresPermission(Permissions.InboxRead)]
    public async Task<IResult> GetInboxThread(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inbox/threads/{threadId:guid}")] HttpRequest request, Guid threadId, FunctionContext context) =>
        Results.Json(new { thread = await inbox.ThreadAsync(context.Authorize(Permissions.InboxRead), threadId, context.CancellationToken) });

    /// <summary>Always a download (Content-Disposition: attachment); types a browser would run are served as octet-stream.</summary>
    [Function(nameof(GetInboxAttachment))]
    [RequiresPermission(Permissions.InboxRead)]
    public async Task<IResult> GetInboxAttachment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inbox/{id:guid}/attachments/{attachmentId}")] HttpRequest request,
        Guid id, string attachmentId, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.InboxRead);
        if (attachmentId.Length > 200)
        {
            throw new NotFoundException("This email has no attachment with this id.");
        }

        var download = await attachments.DownloadAsync(caller, id, attachmentId, context.CancellationToken);
        return Results.Stream(download.Content, download.ContentType, download.FileName);
    }

    public sealed record InboxPatchRequest(bool? Read, bool? Archived, bool? Hidden, string[]? Labels);
}

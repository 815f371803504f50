using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Drafts;
using Moosermail.Core.Security;
using Moosermail.Core.Sending;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;
using Moosermail.Functions.Sending;

namespace Moosermail.Functions.Drafts;

/// <summary>
/// POST /api/inbox/{id}/reply. Declared inbox:write (it acts on the inbox); a reply is a send, so core also requires
/// emails:send. Answers as POST /api/send does: 200 sent, 202 queued, 422 refused by Resend.
/// </summary>
public sealed class ReplyFunctions(ReplyService replies)
{
    [Function(nameof(ReplyToEmail))]
    [RequiresPermission(Permissions.InboxWrite)]
    public async Task<IResult> ReplyToEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inbox/{id:guid}/reply")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.InboxWrite);
        var body = await request.ReadJsonAsync<ReplyInput>(context.CancellationToken);
        var key = request.Headers.TryGetValue(IdempotencyKeys.Header, out var value) ? value.ToString() : null;
        return SendAnswers.Send(await replies.ReplyAsync(caller, id, body, key, context.CancellationToken), context);
    }
}

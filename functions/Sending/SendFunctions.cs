using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Security;
using Moosermail.Core.Sending;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Sending;

/// <summary>
/// POST /api/send and /api/send/batch. 200 when Resend accepted the email during the request, 202 when it
/// waits in the outbox (scheduled, or Resend was unavailable), 422 when Resend refused it for good.
/// </summary>
public sealed class SendFunctions(SendService sending)
{
    /// <summary>Attachments travel base64 in the body: room for 10 MB files.</summary>
    private const int MaxBodyBytes = 32 * 1024 * 1024;

    [Function(nameof(Send))]
    [RequiresPermission(Permissions.EmailsSend)]
    public async Task<IResult> Send(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "send")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.EmailsSend);
        var body = await request.ReadJsonAsync<SendInput>(context.CancellationToken, MaxBodyBytes);
        return SendAnswers.Send(await sending.SendAsync(caller, body, IdempotencyKey(request), context.CancellationToken), context);
    }

    [Function(nameof(SendBatch))]
    [RequiresPermission(Permissions.EmailsSend)]
    public async Task<IResult> SendBatch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "send/batch")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.EmailsSend);
        var body = await request.ReadJsonAsync<BatchInput>(context.CancellationToken, MaxBodyBytes);
        return SendAnswers.Batch(await sending.SendBatchAsync(caller, body, IdempotencyKey(request), context.CancellationToken));
    }

    private static string? IdempotencyKey(HttpRequest request) =>
        request.Headers.TryGetValue("Idempotency-Key", out var key) ? key.ToString() : null;
}

using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Errors;
using Moosermail.Core.Webhooks;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Webhooks;

/// <summary>
/// Where Resend posts a team's events. Public: the unguessable id in the URL names the team, and the Svix
/// signature (when the team set its secret) proves the sender. The raw bytes are read here because the
/// signature covers them exactly.
/// </summary>
public sealed class ResendWebhookFunction(WebhookIngestService ingest)
{
    /// <summary>Resend's payloads are a few KB (no email bodies); Svix messages are far below this.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    [Function(nameof(ReceiveResendWebhook))]
    [PublicFunction]
    [ExemptFromRateLimit("Resend delivers events in bursts; a refused delivery is a lost event. Unknown endpoint ids cost one indexed lookup.")]
    public async Task<IResult> ReceiveResendWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/resend/{endpointId}")] HttpRequest request, string endpointId, FunctionContext context)
    {
        var body = await ReadRawAsync(request, context.CancellationToken);
        var outcome = await ingest.ReceiveAsync(endpointId, body, name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null, context.CancellationToken);
        return Results.Json(new { received = true, duplicate = outcome == WebhookIngestOutcome.Duplicate });
    }

    private static async Task<ReadOnlyMemory<byte>> ReadRawAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new PayloadTooLargeException($"A webhook body may be at most {MaxBodyBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new PayloadTooLargeException($"A webhook body may be at most {MaxBodyBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}

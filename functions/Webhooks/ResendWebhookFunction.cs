using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Webhooks;
using Moosermail.Functions.Http;
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

    /// <summary>The raw bytes (the signature covers them exactly); JSON text Postgres cannot store is refused here.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadRawAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await BodyReader.ReadAsync(request, MaxBodyBytes, $"A webhook body may be at most {MaxBodyBytes} bytes.", cancellationToken);
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = RequestBody.MaxDepth });
        }
        catch (JsonException)
        {
            // Not JSON: the ingest service refuses it after the signature check, as before.
        }

        using (document)
        {
            if (document is not null)
            {
                JsonTextGuard.Check(document.RootElement);
            }
        }

        return body;
    }
}

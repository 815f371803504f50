using System.Text;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Core.Inbox;
using Moosermail.Core.Maintenance;
using Moosermail.Core.Secrets;

namespace Moosermail.Core.Webhooks;

public enum WebhookIngestOutcome
{
    Stored,
    Duplicate,
}

/// <summary>
/// Receives a Resend webhook for the endpoint named in its URL: verifies the raw bytes when the team set a signing
/// secret, then stores the event once per svix-id in one statement, which verified events share with the others
/// arriving at the same time (<see cref="WebhookStoreBatcher"/>), and answers once it is stored. The fold into its
/// email follows moments later, set-based, in <see cref="WebhookFoldWorker"/>. The endpoint usually comes from memory
/// (<see cref="WebhookEndpointCache"/>), so a burst costs one round trip per batch; the statement checks the endpoint is
/// unchanged, and the event is checked again against the stored endpoint when it is not. An event whose email is not
/// known yet is folded by the reconcile timer.
/// </summary>
public sealed class WebhookIngestService(
    WebhookEndpointCache endpoints,
    WebhookEventRepository events,
    WebhookStoreBatcher batcher,
    WebhookSignatureVerifier verifier,
    SecretCipher cipher,
    RetentionOptions retention,
    InboxReceiver inbox,
    TimeProvider time,
    ILogger<WebhookIngestService> logger)
{
    /// <exception cref="NotFoundException">Unknown endpoint.</exception>
    /// <exception cref="NotAuthenticatedException">Bad or missing signature.</exception>
    /// <exception cref="InvalidRequestException">Not a Resend event.</exception>
    public async Task<WebhookIngestOutcome> ReceiveAsync(string publicId, ReadOnlyMemory<byte> body, Func<string, string?> header, CancellationToken cancellationToken)
    {
        // The endpoint may come from memory; the store refuses it if it changed since, and then it is read afresh.
        return await ReceiveAsync(publicId, body, header, fresh: false, cancellationToken)
            ?? await ReceiveAsync(publicId, body, header, fresh: true, cancellationToken)
            ?? throw new ConflictException("The webhook endpoint changed while this event was stored; send it again.");
    }

    /// <returns>Null when the endpoint changed between reading it and storing the event (nothing was stored).</returns>
    private async Task<WebhookIngestOutcome?> ReceiveAsync(string publicId, ReadOnlyMemory<byte> body, Func<string, string?> header, bool fresh, CancellationToken cancellationToken)
    {
        var evt = ResendWebhookEvent.TryParse(body.Span);

        // Received mail goes into the inbox before the event is stored, so its endpoint is always read afresh.
        var endpoint = await endpoints.FindAsync(publicId, fresh || evt?.Type == InboxReceiver.EventType, cancellationToken)
            ?? throw new NotFoundException("No webhook endpoint with this id. Copy the current URL from GET /api/webhooks/resend.");

        var verified = false;
        if (endpoint.EncryptedSigningSecret is { } encrypted)
        {
            var secret = cipher.Decrypt(encrypted, new SecretContext(SecretContext.WebhookSigningSecret, endpoint.TeamId, endpoint.Id));
            var result = verifier.Verify(secret, body.Span, header);
            if (result != WebhookVerificationResult.Valid)
            {
                if (!fresh)
                {
                    return null; // perhaps the secret changed since the endpoint was remembered: check against the stored one
                }

                logger.LogWarning("Webhook for team {TeamId} refused: {Reason}", endpoint.TeamId, result);
                throw new NotAuthenticatedException(Explain(result));
            }

            verified = true;
        }

        // De-duplicate on the id the signature covered: a replay under a fresh, unsigned id header is the same event.
        var svixId = WebhookSignatureVerifier.SignedHeaders(header).Id ?? header("svix-id") ?? header("webhook-id");
        if (string.IsNullOrEmpty(svixId) || svixId.Length > 200)
        {
            throw new InvalidRequestException("The svix-id header is required: it identifies the event for de-duplication.");
        }

        if (evt is null)
        {
            throw new InvalidRequestException("The body is not a Resend webhook event: a JSON object with a string type.");
        }

        if (verified && evt.Type == InboxReceiver.EventType)
        {
            await inbox.ReceiveAsync(endpoint.TeamId, evt.Data, cancellationToken);
        }

        // Unverified events are kept for the record but change nothing: anyone who learns the URL could forge them.
        var now = time.GetUtcNow();
        var stored = new NewWebhookEvent(endpoint.TeamId, endpoint.Id, svixId, evt.Type, verified, evt.Email?.EmailId, evt.CreatedAt, Encoding.UTF8.GetString(body.Span));
        if (verified)
        {
            var fold = evt.Email?.EmailId is not null ? DeliveryEventFolder.Plan(evt, now) : null;
            var result = await batcher.StoreAsync(new VerifiedWebhookEvent(stored, endpoint, fold, now), cancellationToken);
            return Outcome(result.EndpointCurrent, result.EventId);
        }

        var unverified = await events.StoreUnverifiedAsync(stored, publicId, retention.UnverifiedWebhookEventsPerDay, now, cancellationToken);
        if (unverified.EndpointCurrent && !unverified.Admitted)
        {
            // Anyone who learns an unverified endpoint's URL can post to it, so it stores a bounded number a day.
            throw new RateLimitedException(
                $"This endpoint has no signing secret yet and has stored its {retention.UnverifiedWebhookEventsPerDay} unverified events for today. Set the signing secret with PUT /api/webhooks/resend.",
                now.UtcDateTime.Date.AddDays(1) - now.UtcDateTime);
        }

        return Outcome(unverified.EndpointCurrent, unverified.EventId);

        WebhookIngestOutcome? Outcome(bool endpointCurrent, long? eventId)
        {
            if (!endpointCurrent)
            {
                endpoints.Forget(publicId);
                return null;
            }

            return eventId is null ? WebhookIngestOutcome.Duplicate : WebhookIngestOutcome.Stored;
        }
    }

    private static string Explain(WebhookVerificationResult result) => result switch
    {
        WebhookVerificationResult.MissingHeaders => "Missing svix-id, svix-timestamp or svix-signature header.",
        WebhookVerificationResult.InvalidTimestamp => "The svix-timestamp header is not a Unix time in seconds.",
        WebhookVerificationResult.TimestampTooOld or WebhookVerificationResult.TimestampTooNew => "The svix-timestamp is more than 5 minutes from now.",
        WebhookVerificationResult.InvalidSecret => "The stored signing secret is not usable; set it again with PUT /api/webhooks/resend.",
        _ => "No matching signature: the body or headers were changed, or the signing secret does not match this webhook's secret in Resend.",
    };
}

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
/// secret, then stores the event once per svix-id and folds it into its email in one statement: two round trips in
/// all (the endpoint, then the store-and-fold), so bursts are acknowledged well inside Svix's timeout. Verified
/// events share that statement with the others arriving at the same time (<see cref="WebhookStoreBatcher"/>). An
/// event whose email is not known yet is folded by the reconcile timer.
/// </summary>
public sealed class WebhookIngestService(
    WebhookEndpointRepository endpoints,
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
        var endpoint = await endpoints.FindForDeliveryAsync(publicId, cancellationToken)
            ?? throw new NotFoundException("No webhook endpoint with this id. Copy the current URL from GET /api/webhooks/resend.");

        var verified = false;
        if (endpoint.EncryptedSigningSecret is { } encrypted)
        {
            var secret = cipher.Decrypt(encrypted, new SecretContext(SecretContext.WebhookSigningSecret, endpoint.TeamId, endpoint.Id));
            var result = verifier.Verify(secret, body.Span, header);
            if (result != WebhookVerificationResult.Valid)
            {
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

        var evt = ResendWebhookEvent.TryParse(body.Span)
            ?? throw new InvalidRequestException("The body is not a Resend webhook event: a JSON object with a string type.");

        // Received mail goes to the inbox (metadata now, content by its fetch job); unverified, it changes nothing either.
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
            var eventId = await batcher.StoreAsync(stored, fold, now, cancellationToken);
            return eventId is null ? WebhookIngestOutcome.Duplicate : WebhookIngestOutcome.Stored;
        }

        var unverified = await events.StoreUnverifiedAsync(stored, retention.UnverifiedWebhookEventsPerDay, now, cancellationToken);
        if (!unverified.Admitted)
        {
            // Anyone who learns an unverified endpoint's URL can post to it, so it stores a bounded number a day.
            throw new RateLimitedException(
                $"This endpoint has no signing secret yet and has stored its {retention.UnverifiedWebhookEventsPerDay} unverified events for today. Set the signing secret with PUT /api/webhooks/resend.",
                now.UtcDateTime.Date.AddDays(1) - now.UtcDateTime);
        }

        return unverified.EventId is null ? WebhookIngestOutcome.Duplicate : WebhookIngestOutcome.Stored;
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

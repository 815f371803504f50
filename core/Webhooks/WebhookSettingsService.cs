using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Audit;
using Moosermail.Core.Configuration;
using Moosermail.Core.Errors;
using Moosermail.Core.Secrets;
using Moosermail.Core.Security;

namespace Moosermail.Core.Webhooks;

/// <summary>GET /api/webhooks/resend: the URL to paste into Resend, and whether events are verified.</summary>
public sealed record WebhookSettings(string Url, bool SigningSecretSet, long EventsReceived, DateTimeOffset? LastEventAt, string? Warning);

public sealed record SetSigningSecretRequest(string? SigningSecret);

/// <summary>
/// The team's Resend webhook endpoint: created on first read, its signing secret stored encrypted (bound to the
/// team and the endpoint row) and never returned, its unguessable id rotated on request.
/// </summary>
public sealed class WebhookSettingsService(
    WebhookEndpointRepository endpoints, SecretCipher cipher, MoosermailSettings settings, TimeProvider time, ILogger<WebhookSettingsService> logger)
{
    public const string UnverifiedWarning =
        "No signing secret is set: events are stored unverified and change no email status or suppression. "
        + "Copy the signing secret (whsec_...) of this webhook in Resend and PUT it here.";

    /// <summary>Resend reports delivery within seconds to minutes; silence longer than this is worth a warning.</summary>
    public static readonly TimeSpan SilenceWarningAfter = TimeSpan.FromMinutes(15);

    public async Task<WebhookSettings> GetAsync(Caller caller, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.GetOrCreateAsync(caller.TeamId, NewPublicId(), time.GetUtcNow(), cancellationToken);
        var stats = await endpoints.StatsAsync(caller.TeamId, endpoint.Id, cancellationToken);
        var silent = await endpoints.CountSilentSentEmailsAsync(caller.TeamId, time.GetUtcNow() - SilenceWarningAfter, stats.LastEventAt, cancellationToken);
        var secretSet = endpoint.EncryptedSigningSecret is not null;
        string[] warnings =
        [
            .. secretSet ? Array.Empty<string>() : [UnverifiedWarning],
            .. silent == 0 ? Array.Empty<string>() : [SilenceWarning(silent)],
        ];
        return new WebhookSettings(Url(endpoint.PublicId), secretSet, stats.EventsReceived, stats.LastEventAt, warnings.Length == 0 ? null : string.Join(' ', warnings));
    }

    public static string SilenceWarning(long emails) =>
        $"{emails} email(s) sent over {SilenceWarningAfter.TotalMinutes:0} minutes ago are still 'sent' and no event has arrived since: "
        + "check that this URL is registered as a webhook in Resend and reachable from it (a restarted local sandbox keeps its registrations only in scripts/run's data dir).";

    public async Task<WebhookSettings> SetSecretAsync(Caller caller, SetSigningSecretRequest request, CancellationToken cancellationToken)
    {
        var secret = request.SigningSecret?.Trim();
        if (!IsSigningSecret(secret))
        {
            throw new ValidationFailedException("signing_secret", "must be the webhook's signing secret from Resend: whsec_ followed by base64.");
        }

        var endpoint = await endpoints.GetOrCreateAsync(caller.TeamId, NewPublicId(), time.GetUtcNow(), cancellationToken);
        var encrypted = cipher.Encrypt(secret!, new SecretContext(SecretContext.WebhookSigningSecret, caller.TeamId, endpoint.Id));
        await endpoints.SetSecretAsync(caller.TeamId, endpoint.Id, encrypted, time.GetUtcNow(),
            AuditEntry.By(caller, AuditActions.WebhookSecretSet, "webhook_endpoint", endpoint.Id.ToString(), new { cleared = false }), cancellationToken);
        logger.LogInformation("Webhook signing secret set for team {TeamId}", caller.TeamId);
        return await GetAsync(caller, cancellationToken);
    }

    public async Task<WebhookSettings> RemoveSecretAsync(Caller caller, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.GetOrCreateAsync(caller.TeamId, NewPublicId(), time.GetUtcNow(), cancellationToken);
        await endpoints.SetSecretAsync(caller.TeamId, endpoint.Id, null, time.GetUtcNow(),
            AuditEntry.By(caller, AuditActions.WebhookSecretSet, "webhook_endpoint", endpoint.Id.ToString(), new { cleared = true }), cancellationToken);
        logger.LogInformation("Webhook signing secret removed for team {TeamId}", caller.TeamId);
        return await GetAsync(caller, cancellationToken);
    }

    public async Task<WebhookSettings> RotateAsync(Caller caller, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.GetOrCreateAsync(caller.TeamId, NewPublicId(), time.GetUtcNow(), cancellationToken);
        await endpoints.RotateAsync(caller.TeamId, NewPublicId(), time.GetUtcNow(),
            AuditEntry.By(caller, AuditActions.WebhookSecretRotated, "webhook_endpoint", endpoint.Id.ToString()), cancellationToken);
        logger.LogInformation("Webhook endpoint id rotated for team {TeamId}", caller.TeamId);
        return await GetAsync(caller, cancellationToken);
    }

    /// <summary>whsec_ and standard base64 of at least 16 bytes (Svix issues 24).</summary>
    public static bool IsSigningSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith("whsec_", StringComparison.Ordinal) || secret.Length > 200)
        {
            return false;
        }

        var buffer = new byte[secret.Length];
        return Convert.TryFromBase64String(secret[6..], buffer, out var length) && length >= 16;
    }

    // 192 bits from the OS CSPRNG, URL-safe: the URL is the only thing that says which team an event is for.
    private static string NewPublicId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    private string Url(string publicId) => $"{settings.PublicUrl.AbsoluteUri.TrimEnd('/')}/api/webhooks/resend/{publicId}";
}

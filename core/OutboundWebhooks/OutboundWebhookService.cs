using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Audit;
using Moosermail.Core.Errors;
using Moosermail.Core.Outbound;
using Moosermail.Core.Secrets;
using Moosermail.Core.Security;

namespace Moosermail.Core.OutboundWebhooks;

/// <summary>The team's outbound webhook endpoints: CRUD, the whsec_ secret (shown once, rotated with a 24 h overlap) and the delivery log.</summary>
public sealed class OutboundWebhookService(
    OutboundWebhookRepository webhooks, OutboundHttpGuard guard, SecretCipher cipher, TimeProvider time, ILogger<OutboundWebhookService> logger)
{
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);
    private const string TargetType = "outbound_webhook";

    public async Task<OutboundWebhookWithSecret> CreateAsync(Caller caller, CreateOutboundWebhookRequest request, CancellationToken cancellationToken)
    {
        var events = OutboundWebhookRules.Events(request.Events);
        var description = OutboundWebhookRules.Description(request.Description);
        var url = await guard.ValidateAsync(request.Url, "url", cancellationToken);
        var now = time.GetUtcNow();
        var webhook = new OutboundWebhook
        {
            Id = Guid.CreateVersion7(now),
            Url = url.OriginalString,
            Events = events,
            Description = description,
            Enabled = request.Enabled ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var secret = StandardWebhookSigner.NewSecret();
        var encrypted = cipher.Encrypt(secret, Context(caller.TeamId, webhook.Id));
        var audit = AuditEntry.By(caller, AuditActions.OutboundWebhookCreated, TargetType, webhook.Id.ToString(), new { url = Redacted(url), events });
        var created = await webhooks.InsertAsync(caller.TeamId, webhook, encrypted, audit, cancellationToken)
            ?? throw new ConflictException($"A team has at most {OutboundWebhookRules.MaxEndpointsPerTeam} outbound webhooks; delete one first.");
        logger.LogInformation("Outbound webhook {WebhookId} created in team {TeamId}", created.Id, caller.TeamId);
        return new OutboundWebhookWithSecret(created, secret);
    }

    public Task<IReadOnlyList<OutboundWebhook>> ListAsync(Caller caller, CancellationToken cancellationToken) =>
        webhooks.ListForTeamAsync(caller.TeamId, cancellationToken);

    public async Task<OutboundWebhook> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await webhooks.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();

    public async Task<OutboundWebhook> UpdateAsync(Caller caller, Guid id, UpdateOutboundWebhookRequest request, CancellationToken cancellationToken)
    {
        var current = await webhooks.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();
        var merged = current with
        {
            Events = request.Events is null ? current.Events : OutboundWebhookRules.Events(request.Events),
            Description = request.Description is null ? current.Description : OutboundWebhookRules.Description(request.Description),
            Url = request.Url is null ? current.Url : (await guard.ValidateAsync(request.Url, "url", cancellationToken)).OriginalString,
            Enabled = request.Enabled ?? current.Enabled,
            UpdatedAt = time.GetUtcNow(),
        };
        var audit = AuditEntry.By(caller, AuditActions.OutboundWebhookUpdated, TargetType, id.ToString(), new { url = Redacted(new Uri(merged.Url)), events = merged.Events, enabled = merged.Enabled });
        return await webhooks.UpdateAsync(caller.TeamId, merged, audit, cancellationToken) ?? throw NotFound();
    }

    public async Task DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var audit = AuditEntry.By(caller, AuditActions.OutboundWebhookDeleted, TargetType, id.ToString());
        if (!await webhooks.DeleteAsync(caller.TeamId, id, audit, time.GetUtcNow(), cancellationToken))
        {
            throw NotFound();
        }

        logger.LogInformation("Outbound webhook {WebhookId} deleted in team {TeamId}", id, caller.TeamId);
    }

    /// <summary>A new secret, shown once; the old one keeps signing alongside it for <see cref="RotationOverlap"/>.</summary>
    public async Task<OutboundWebhookWithSecret> RotateSecretAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var secret = StandardWebhookSigner.NewSecret();
        var audit = AuditEntry.By(caller, AuditActions.OutboundWebhookSecretRotated, TargetType, id.ToString(), new { previous_valid_until = now + RotationOverlap });
        var rotated = await webhooks.RotateSecretAsync(caller.TeamId, id, cipher.Encrypt(secret, Context(caller.TeamId, id)), now + RotationOverlap, audit, now, cancellationToken)
            ?? throw NotFound();
        return new OutboundWebhookWithSecret(rotated, secret);
    }

    /// <summary>A page of the endpoint's deliveries, newest first; <see cref="OutboundDeliveryPage.NextCursor"/> continues it.</summary>
    public async Task<OutboundDeliveryPage> ListDeliveriesAsync(Caller caller, Guid id, string? status, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        _ = await GetAsync(caller, id, cancellationToken);
        var errors = new ValidationErrors();
        if (status is not null and not ("pending" or "succeeded" or "failed"))
        {
            errors.Add("status", "One of pending, succeeded, failed.");
        }

        if (limit is < 1 or > 200)
        {
            errors.Add("limit", "Between 1 and 200.");
        }

        var before = cursor is null ? null : DecodeCursor(cursor, errors);
        errors.ThrowIfAny();
        var size = limit ?? 50;
        var rows = await webhooks.ListDeliveriesAsync(caller.TeamId, id, status, before, size + 1, cancellationToken);
        var page = rows.Take(size).ToList();
        return new OutboundDeliveryPage(page, rows.Count > size ? EncodeCursor(page[^1]) : null);
    }

    /// <summary>Queues another attempt now; the dispatcher posts it with the same webhook-id.</summary>
    public async Task<OutboundDelivery> RetryDeliveryAsync(Caller caller, Guid id, Guid deliveryId, CancellationToken cancellationToken)
    {
        var webhook = await GetAsync(caller, id, cancellationToken);
        if (!webhook.Enabled)
        {
            throw new ConflictException("The endpoint is disabled; enable it (PUT enabled: true) before retrying deliveries.");
        }

        return await webhooks.RetryDeliveryAsync(caller.TeamId, id, deliveryId, time.GetUtcNow(), cancellationToken)
            ?? throw new NotFoundException("No delivery with this id for this outbound webhook.");
    }

    /// <summary>The keyset of the last delivery shown: its created_at (UTC ticks) and id, base64url so it travels in a query string as is.</summary>
    private static string EncodeCursor(OutboundDelivery last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{last.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{last.Id:N}"));

    private static (DateTimeOffset, Guid)? DecodeCursor(string cursor, ValidationErrors errors)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
            return parts.Length == 2
                ? (new DateTimeOffset(long.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero), Guid.ParseExact(parts[1], "N"))
                : throw new FormatException();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            errors.Add("cursor", "is not a next_cursor from a previous page; omit it to start from the newest delivery.");
            return null;
        }
    }

    private static SecretContext Context(Guid teamId, Guid id) => new(SecretContext.OutboundWebhookSecret, teamId, id);

    /// <summary>The audit log keeps where deliveries go, not the query string (it may carry the receiver's token).</summary>
    private static string Redacted(Uri url) => url.GetLeftPart(UriPartial.Path);

    private static NotFoundException NotFound() => new("No outbound webhook with this id in your team.");
}

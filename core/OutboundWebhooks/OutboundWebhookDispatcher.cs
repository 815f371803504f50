using System.Text;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Outbound;
using Moosermail.Core.Secrets;

namespace Moosermail.Core.OutboundWebhooks;

/// <summary>
/// Runs on a timer (and can be driven directly by tests): turns stored Resend events into email.* outbound events,
/// then posts due deliveries through the outbound guard, signed with the endpoint's secret (and the previous one
/// during a rotation). Failed attempts retry at 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then give up; an
/// endpoint that keeps failing for 5 days is disabled.
/// </summary>
public sealed class OutboundWebhookDispatcher(
    OutboundDispatchRepository repository, OutboundHttpGuard guard, SecretCipher cipher, TimeProvider time, ILogger<OutboundWebhookDispatcher> logger)
{
    public static readonly IReadOnlyList<TimeSpan> RetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    public static readonly TimeSpan DisableAfter = TimeSpan.FromDays(5);
    // A batch of BatchSize posts of at most 20 s each ends well inside the lease, so no other instance re-claims them mid-post.
    private static readonly TimeSpan s_lease = TimeSpan.FromMinutes(5);
    private const int BatchSize = 10;

    /// <summary>Resend event types that become outbound events of the same name (delivery_delayed, scheduled and received do not).</summary>
    private static readonly HashSet<string> s_fannedOut =
        ["email.sent", "email.delivered", "email.bounced", "email.complained", "email.opened", "email.clicked", "email.failed", "email.suppressed"];

    /// <summary>Fans out, then delivers what is due, until nothing is left or <paramref name="budget"/> is spent.</summary>
    public async Task DispatchDueAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + budget;
        while (await FanOutAsync(cancellationToken) == BatchSize && time.GetUtcNow() < deadline)
        {
        }

        while (await DeliverDueAsync(null, cancellationToken) == BatchSize && time.GetUtcNow() < deadline)
        {
        }
    }

    /// <summary>One batch of stored, verified, folded Resend events into outbound events; returns how many were taken.</summary>
    public Task<int> FanOutAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return repository.FanOutResendEventsAsync(BatchSize, now, async (connection, transaction, resendEvent) =>
        {
            if (!s_fannedOut.Contains(resendEvent.Type) || resendEvent.EmailId is null)
            {
                return;
            }

            var data = new
            {
                email_id = resendEvent.EmailId,
                resend_id = resendEvent.ResendEmailId,
                from = resendEvent.FromAddress,
                to = resendEvent.ToAddresses,
                subject = resendEvent.Subject,
                occurred_at = resendEvent.OccurredAt,
            };
            await OutboundEvents.RecordAsync(connection, transaction, resendEvent.TeamId, resendEvent.Type, data, now, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>One batch of due deliveries (or just <paramref name="deliveryId"/>); returns how many were attempted.</summary>
    public async Task<int> DeliverDueAsync(Guid? deliveryId, CancellationToken cancellationToken)
    {
        var claimed = await repository.ClaimDueAsync(time.GetUtcNow(), s_lease, BatchSize, deliveryId, cancellationToken);
        foreach (var delivery in claimed)
        {
            await DeliverAsync(delivery, cancellationToken);
        }

        return claimed.Count;
    }

    private async Task DeliverAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        if (!delivery.Enabled)
        {
            await repository.SkipAsync(delivery, "The endpoint is disabled.", time.GetUtcNow(), cancellationToken);
            return;
        }

        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        var headers = StandardWebhookSigner.Headers(delivery.Id.ToString(), time.GetUtcNow(), body, Secrets(delivery));
        var result = await guard.PostJsonAsync(new Uri(delivery.Url), body, headers, cancellationToken);
        var now = time.GetUtcNow();
        DateTimeOffset? next = result.Succeeded || delivery.Attempts > RetryDelays.Count ? null : now + RetryDelays[delivery.Attempts - 1];
        var reason = $"Disabled by Moosermail: deliveries failed for {DisableAfter.TotalDays:0} days (last: {result.Error}).";
        var disabled = await repository.RecordAttemptAsync(
            delivery, result.Succeeded, result.ResponseCode, (int)Math.Min(int.MaxValue, result.Latency.TotalMilliseconds), result.Error, next, now, now - DisableAfter, reason, cancellationToken);
        if (result.Succeeded)
        {
            logger.LogInformation("Outbound webhook delivery {DeliveryId} to endpoint {EndpointId} of team {TeamId} succeeded ({ResponseCode}) on attempt {Attempt}",
                delivery.Id, delivery.EndpointId, delivery.TeamId, result.ResponseCode, delivery.Attempts);
        }
        else
        {
            logger.LogWarning("Outbound webhook delivery {DeliveryId} to endpoint {EndpointId} of team {TeamId} failed on attempt {Attempt}: {Error}; next attempt {NextAttemptAt}; endpoint disabled: {Disabled}",
                delivery.Id, delivery.EndpointId, delivery.TeamId, delivery.Attempts, result.Error, next, disabled);
        }
    }

    private List<string> Secrets(ClaimedDelivery delivery)
    {
        var secrets = new List<string> { cipher.Decrypt(delivery.EncryptedSecret, Context(delivery)) };
        if (delivery.EncryptedPreviousSecret is { } previous && delivery.PreviousSecretExpiresAt > time.GetUtcNow())
        {
            secrets.Add(cipher.Decrypt(previous, Context(delivery)));
        }

        return secrets;
    }

    private static SecretContext Context(ClaimedDelivery delivery) => new(SecretContext.OutboundWebhookSecret, delivery.TeamId, delivery.EndpointId);
}

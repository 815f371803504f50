using System.Text;
using System.Text.Json;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Webhooks;

/// <summary>
/// The rules for applying one Resend email event to its email: status by <see cref="EmailStatusRules"/>, open and
/// click counts, a timeline entry, and the suppression list for permanent bounces and complaints.
/// </summary>
public sealed class DeliveryEventFolder(DeliveryStatusRepository repository, TimeProvider time)
{
    /// <summary>Folds a stored event if its email is known; safe to call any number of times for the same event.</summary>
    public Task<bool> FoldAsync(long eventId, CancellationToken cancellationToken) =>
        repository.FoldAsync(eventId, Decide, time.GetUtcNow(), cancellationToken);

    /// <summary>What the event does to an email now in <paramref name="currentStatus"/>; null for a body that is no email event.</summary>
    public static FoldDecision? Decide(PendingWebhookEvent pending, string currentStatus)
    {
        var evt = ResendWebhookEvent.TryParse(Encoding.UTF8.GetBytes(pending.Payload));
        if (evt?.Email is not { } data)
        {
            return null;
        }

        var next = EmailStatusRules.Next(currentStatus, EmailStatusRules.StatusOf(evt.Type));
        var permanentBounce = evt.Type == "email.bounced" && string.Equals(data.BounceType, "Permanent", StringComparison.OrdinalIgnoreCase);
        var suppressReason = permanentBounce ? "bounced" : evt.Type == "email.complained" ? "complained" : null;
        var suppress = suppressReason is null ? [] : data.To.Select(Address).Where(a => a.Length > 0).Distinct().ToList();
        return new FoldDecision(
            next,
            evt.Type == "email.opened" ? 1 : 0,
            evt.Type == "email.clicked" ? 1 : 0,
            evt.Type,
            Detail(evt, data),
            evt.CreatedAt ?? pending.ReceivedAt,
            suppress,
            suppressReason);
    }

    private static string? Detail(ResendWebhookEvent evt, ResendEmailEventData data) => evt.Type switch
    {
        "email.bounced" => $"{data.BounceType} bounce ({data.BounceSubType}): {data.BounceMessage}",
        "email.failed" => data.FailedReason,
        "email.clicked" => evt.Data.TryGetProperty("click", out var click) && click.ValueKind == JsonValueKind.Object
            && click.TryGetProperty("link", out var link) && link.ValueKind == JsonValueKind.String ? link.GetString() : null,
        _ => null,
    };

    private static string Address(string recipient) => FromAddress.AddressOf(recipient.Trim()).Trim().ToLowerInvariant();
}

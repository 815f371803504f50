using System.Text;
using System.Text.Json;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Webhooks;

/// <summary>
/// What one Resend email event does to its email, decided from the event alone: the status it stands for (applied
/// in SQL by <see cref="EmailStatusRules"/>'s rank, so concurrent folds stay monotonic), open and click counts, a
/// timeline entry, and the suppression list for permanent bounces and complaints.
/// </summary>
public sealed record FoldPlan(
    string? Status, int Opened, int Clicked, string TimelineType, string? TimelineDetail, DateTimeOffset OccurredAt, IReadOnlyList<string> Suppress, string? SuppressReason);

/// <summary>
/// The rules for applying one Resend email event to its email. Webhook ingest folds in the statement that stores
/// the event; this folds events stored before their email was known (the reconcile timer, a retry).
/// </summary>
public sealed class DeliveryEventFolder(DeliveryStatusRepository repository, TimeProvider time)
{
    /// <summary>Folds a stored event if its email is known now; safe to call any number of times for the same event.</summary>
    public Task<bool> FoldAsync(long eventId, CancellationToken cancellationToken) =>
        repository.FoldAsync(eventId, Plan, time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// The fold of a stored payload; null for a body that is no outbound email event (received mail is the inbox's,
    /// never a delivery event of one of our emails).
    /// </summary>
    public static FoldPlan? Plan(string payload, DateTimeOffset receivedAt) =>
        ResendWebhookEvent.TryParse(Encoding.UTF8.GetBytes(payload)) is { } evt ? Plan(evt, receivedAt) : null;

    /// <inheritdoc cref="Plan(string, DateTimeOffset)"/>
    public static FoldPlan? Plan(ResendWebhookEvent evt, DateTimeOffset receivedAt)
    {
        if (evt.Email is not { } data || evt.Type == "email.received")
        {
            return null;
        }

        var permanentBounce = evt.Type == "email.bounced" && string.Equals(data.BounceType, "Permanent", StringComparison.OrdinalIgnoreCase);
        var suppressReason = permanentBounce ? "bounced" : evt.Type == "email.complained" ? "complained" : null;
        var suppress = suppressReason is null ? [] : data.To.Select(Address).Where(a => a.Length > 0).Distinct().ToList();
        return new FoldPlan(
            EmailStatusRules.StatusOf(evt.Type),
            evt.Type == "email.opened" ? 1 : 0,
            evt.Type == "email.clicked" ? 1 : 0,
            evt.Type,
            Detail(evt, data),
            evt.CreatedAt ?? receivedAt,
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

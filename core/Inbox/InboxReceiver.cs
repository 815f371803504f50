using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Resend;

namespace Moosermail.Core.Inbox;

/// <summary>
/// Takes a verified <c>email.received</c> event from webhook ingest: stores the email's metadata at once (nothing new
/// when the team already has this Resend id) with its content due for <see cref="InboxContentFetcher"/>. Never calls
/// Resend, so the webhook is acknowledged quickly; an event that cannot be stored is still found by the backfill.
/// </summary>
public sealed class InboxReceiver(InboxRepository inbox, TimeProvider time, ILogger<InboxReceiver> logger)
{
    public const string EventType = "email.received";

    /// <summary>Returns the new email's id, or null when it was already stored or the event names no email.</summary>
    public async Task<Guid?> ReceiveAsync(Guid teamId, JsonElement data, CancellationToken cancellationToken)
    {
        EventData? parsed = null;
        if (data.ValueKind == JsonValueKind.Object)
        {
            try
            {
                parsed = data.Deserialize<EventData>(ResendJson.Options);
            }
            catch (JsonException)
            {
                // A field of an unexpected type: treated as an event without an email; the backfill still finds it.
            }
        }

        if (parsed?.EmailId is not { Length: > 0 and <= 200 } resendId)
        {
            logger.LogWarning("email.received for team {TeamId} names no email; ignored", teamId);
            return null;
        }

        var email = new ResendReceivedEmail
        {
            Id = resendId,
            From = parsed.From,
            To = parsed.To ?? [],
            Cc = parsed.Cc,
            Subject = parsed.Subject,
            MessageId = parsed.MessageId,
            Attachments = parsed.Attachments,
            CreatedAt = parsed.CreatedAt,
        };
        return await inbox.InsertAsync(ReceivedContent.Metadata(teamId, email), time.GetUtcNow(), cancellationToken);
    }

    /// <summary>The data of Resend's email.received event (no body, headers or attachment content).</summary>
    private sealed record EventData
    {
        public string? EmailId { get; init; }
        public string? From { get; init; }
        public IReadOnlyList<string>? To { get; init; }
        public IReadOnlyList<string>? Cc { get; init; }
        public string? Subject { get; init; }
        public string? MessageId { get; init; }
        public IReadOnlyList<ResendReceivedAttachment>? Attachments { get; init; }

        [JsonConverter(typeof(ResendTimestampConverter))]
        public DateTimeOffset? CreatedAt { get; init; }
    }
}

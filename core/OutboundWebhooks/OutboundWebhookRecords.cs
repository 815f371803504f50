namespace Moosermail.Core.OutboundWebhooks;

/// <summary>An endpoint of the team's own app. The secret is never part of it (see <see cref="OutboundWebhookWithSecret"/>).</summary>
public sealed record OutboundWebhook
{
    public Guid Id { get; init; }

    public string Url { get; init; } = string.Empty;

    public string[] Events { get; init; } = [];

    public string Description { get; init; } = string.Empty;

    public bool Enabled { get; init; }

    /// <summary>Why Moosermail disabled it (5 days of failed deliveries); null when a member did or it is enabled.</summary>
    public string? DisabledReason { get; init; }

    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>Until when the previous secret still signs, after a rotation.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The answer of create and rotate-secret: the only time the whsec_ secret is shown.</summary>
public sealed record OutboundWebhookWithSecret(OutboundWebhook Webhook, string Secret);

public sealed record CreateOutboundWebhookRequest
{
    public string? Url { get; init; }

    public string[]? Events { get; init; }

    public string? Description { get; init; }

    public bool? Enabled { get; init; }
}

/// <summary>Every field optional: what is given replaces the stored value.</summary>
public sealed record UpdateOutboundWebhookRequest
{
    public string? Url { get; init; }

    public string[]? Events { get; init; }

    public string? Description { get; init; }

    public bool? Enabled { get; init; }
}

/// <summary>One event to one endpoint: its id is the webhook-id the receiver sees, on every attempt.</summary>
public sealed record OutboundDelivery
{
    public Guid Id { get; init; }

    public Guid EventId { get; init; }

    public string EventType { get; init; } = string.Empty;

    /// <summary>pending (waiting for its first attempt or a retry), succeeded, failed (gave up).</summary>
    public string Status { get; init; } = string.Empty;

    public int Attempts { get; init; }

    public int? ResponseCode { get; init; }

    public int? LatencyMs { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? LastAttemptAt { get; init; }

    public DateTimeOffset? NextAttemptAt { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One page of an endpoint's deliveries, newest first; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record OutboundDeliveryPage(IReadOnlyList<OutboundDelivery> Deliveries, string? NextCursor);

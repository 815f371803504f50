namespace Moosermail.Core.Triggers;

public sealed record CreateTriggerRequest(string? Name, Guid? TemplateId, string? DefaultTo, bool? Enabled, int? RateLimitPerMinute, IReadOnlyList<string>? AllowedRecipientDomains = null);

/// <summary>
/// A partial update: null keeps a field; <c>default_to: ""</c> clears it and <c>allowed_recipient_domains: []</c>
/// takes back the key holder's choice of recipients. The rate limit can be changed, never removed.
/// </summary>
public sealed record UpdateTriggerRequest(string? Name, Guid? TemplateId, string? DefaultTo, bool? Enabled, int? RateLimitPerMinute, IReadOnlyList<string>? AllowedRecipientDomains = null);

/// <summary>A trigger as lists show it: never the key, never its hash.</summary>
public record Trigger
{
    public Guid Id { get; init; }

    public string Name { get; init; } = string.Empty;

    public Guid TemplateId { get; init; }

    public string TemplateName { get; init; } = string.Empty;

    public string? DefaultTo { get; init; }

    public bool Enabled { get; init; }

    /// <summary>Emails (not fires) per minute, whoever fires; always set (default 60).</summary>
    public int RateLimitPerMinute { get; init; }

    /// <summary>Domains a key holder may name in <c>to</c>; empty: the key fires only to <see cref="DefaultTo"/>.</summary>
    public string[] AllowedRecipientDomains { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The one response that carries the key: creation and rotation.</summary>
public sealed record TriggerWithKey : Trigger
{
    public string TriggerKey { get; init; } = string.Empty;
}

/// <summary>A trigger found by its key, for the firing code: the key names the team.</summary>
public sealed record FiringTrigger : Trigger
{
    public Guid TeamId { get; init; }

    /// <summary>Whether an enabled outbound webhook endpoint of the team subscribes to trigger.fired (read with the trigger).</summary>
    public bool FiredSubscribed { get; init; }
}

/// <summary>A validated partial update: null keeps a field, a Clear flag empties it.</summary>
public sealed record TriggerChanges(string? Name, Guid? TemplateId, string? DefaultTo, bool ClearDefaultTo, bool? Enabled, int? RateLimitPerMinute, string[]? AllowedRecipientDomains);

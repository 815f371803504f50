using Moosermail.Core.Errors;
using Moosermail.Core.Validation;

namespace Moosermail.Core.OutboundWebhooks;

/// <summary>The events an endpoint may subscribe to, and the limits of its fields.</summary>
public static class OutboundWebhookRules
{
    public const int MaxEndpointsPerTeam = 20;
    public const int MaxDescriptionLength = 500;

    public static readonly IReadOnlyList<string> EventTypes =
    [
        "email.sent", "email.delivered", "email.bounced", "email.complained", "email.opened", "email.clicked", "email.failed", "email.suppressed",
        "email.received",
        "contact.created", "contact.updated", "contact.unsubscribed",
        "trigger.fired",
    ];

    /// <exception cref="ValidationFailedException">Naming <c>events</c> or <c>description</c>.</exception>
    public static string[] Events(string[]? events)
    {
        if (events is null || events.Length == 0)
        {
            throw new ValidationFailedException("events", $"Choose at least one event: {string.Join(", ", EventTypes)}.");
        }

        var unknown = events.Where(e => e is null || !EventTypes.Contains(e, StringComparer.Ordinal)).ToList();
        return unknown.Count > 0
            ? throw new ValidationFailedException("events", $"Unknown event(s): {string.Join(", ", unknown.Select(u => u is null ? "null" : $"'{u[..Math.Min(u.Length, 40)]}'"))}. Known: {string.Join(", ", EventTypes)}.")
            : events.Distinct(StringComparer.Ordinal).ToArray();
    }

    public static string Description(string? description)
    {
        var text = description?.Trim() ?? string.Empty;
        if (text.Length > MaxDescriptionLength)
        {
            throw new ValidationFailedException("description", $"At most {MaxDescriptionLength} characters.");
        }

        return TextRules.Problem(text) is { } problem ? throw new ValidationFailedException("description", problem) : text;
    }
}

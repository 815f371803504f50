using System.Text.Json;

namespace Moosermail.Core.Audit;

public sealed record AuditFilter(string? Action, Guid? Actor, string? Cursor, int Limit);

/// <summary>One audit event as the team's log shows it. <see cref="Details"/> is the stored JSON, which never holds a secret.</summary>
public sealed record AuditEventView
{
    public Guid Id { get; init; }

    public string Action { get; init; } = string.Empty;

    public Guid? ActorUserId { get; init; }

    public string? ActorEmail { get; init; }

    public Guid? ActorApiKeyId { get; init; }

    public Guid? SubjectUserId { get; init; }

    public string? TargetType { get; init; }

    public string? TargetId { get; init; }

    public string? ClientAddress { get; init; }

    public JsonElement Details { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

public sealed record AuditPage(IReadOnlyList<AuditEventView> Data, string? NextCursor);

/// <summary>How long audit events are kept (MOOSERMAIL_AUDIT_RETENTION_DAYS, default 365); the cleanup timer removes older ones.</summary>
public sealed record AuditOptions(TimeSpan Retention)
{
    public const string RetentionDaysKey = "MOOSERMAIL_AUDIT_RETENTION_DAYS";
    public const int DefaultRetentionDays = 365;

    public static AuditOptions Load(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var text = configuration[RetentionDaysKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return new AuditOptions(TimeSpan.FromDays(DefaultRetentionDays));
        }

        return int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 36500
            ? new AuditOptions(TimeSpan.FromDays(days))
            : throw new Configuration.ConfigurationException($"{RetentionDaysKey} must be a whole number of days from 1 to 36500 (default {DefaultRetentionDays}).");
    }
}

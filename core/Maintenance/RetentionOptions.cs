using System.Globalization;
using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;

namespace Moosermail.Core.Maintenance;

/// <summary>
/// How long stored webhook events are kept, and how many an endpoint in unverified mode (no signing secret yet)
/// may store a day: anyone who learns that URL can post to it, so what it stores is bounded in count and time.
/// </summary>
public sealed record RetentionOptions(TimeSpan VerifiedWebhookEvents, TimeSpan UnverifiedWebhookEvents, int UnverifiedWebhookEventsPerDay)
{
    public const string VerifiedDaysKey = "MOOSERMAIL_WEBHOOK_RETENTION_DAYS";
    public const string UnverifiedDaysKey = "MOOSERMAIL_WEBHOOK_UNVERIFIED_RETENTION_DAYS";
    public const string UnverifiedPerDayKey = "MOOSERMAIL_WEBHOOK_UNVERIFIED_DAILY_LIMIT";
    public const string OutboundDaysKey = "MOOSERMAIL_OUTBOUND_WEBHOOK_RETENTION_DAYS";

    /// <summary>
    /// How long a finished outbound webhook delivery (succeeded, or given up) is kept after its last attempt, with its
    /// event once no delivery points at it; pending deliveries are never pruned.
    /// </summary>
    public TimeSpan OutboundWebhookDeliveries { get; init; } = TimeSpan.FromDays(30);

    /// <exception cref="ConfigurationException">A setting is present but not a positive whole number.</exception>
    public static RetentionOptions Load(IConfiguration configuration) => new(
        TimeSpan.FromDays(Number(configuration, VerifiedDaysKey, 90)),
        TimeSpan.FromDays(Number(configuration, UnverifiedDaysKey, 7)),
        Number(configuration, UnverifiedPerDayKey, 1000))
    {
        OutboundWebhookDeliveries = TimeSpan.FromDays(Number(configuration, OutboundDaysKey, 30)),
    };

    private static int Number(IConfiguration configuration, string key, int fallback)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1
            ? number
            : throw new ConfigurationException($"{key} must be a whole number of at least 1, e.g. {fallback}.");
    }
}

using Moosermail.Core.Errors;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Triggers;

/// <summary>Field rules shared by create and update; each adds to <see cref="ValidationErrors"/> and returns the clean value.</summary>
internal static class TriggerRules
{
    public const int MaxNameLength = 100;
    public const int MaxRateLimitPerMinute = 10_000;

    public static string? Name(string? value, bool required, ValidationErrors errors)
    {
        var name = value?.Trim();
        if ((required || value is not null) && (string.IsNullOrEmpty(name) || name.Length > MaxNameLength))
        {
            errors.Add("name", $"is required, 1 to {MaxNameLength} characters.");
        }

        return string.IsNullOrEmpty(name) ? null : name;
    }

    /// <summary>A single address, or null for none; "" means none too.</summary>
    public static string? DefaultTo(string? value, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var address = EmailAddressRules.Normalize(value);
        if (address is null)
        {
            errors.Add("default_to", "must be one email address, like someone@example.com (or \"\" for none).");
        }

        return address;
    }

    /// <summary>Null or 0 means no per-trigger limit.</summary>
    public static int? RateLimit(int? value, ValidationErrors errors)
    {
        if (value is < 0 or > MaxRateLimitPerMinute)
        {
            errors.Add("rate_limit_per_minute", $"must be between 1 and {MaxRateLimitPerMinute} (0 or null for no limit).");
        }

        return value is > 0 ? value : null;
    }
}

using Moosermail.Core.Errors;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Triggers;

/// <summary>Field rules shared by create and update; each adds to <see cref="ValidationErrors"/> and returns the clean value.</summary>
internal static class TriggerRules
{
    public const int MaxNameLength = 100;
    public const int DefaultRateLimitPerMinute = 60;

    /// <summary>Also the largest to_tag fan-out, so one authenticated fan-out fits in a minute when asked for.</summary>
    public const int MaxRateLimitPerMinute = 1_000;
    public const int MaxAllowedDomains = 20;

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

    /// <summary>Emails a minute, 1 to <see cref="MaxRateLimitPerMinute"/>. Null: the default on create, unchanged on update.</summary>
    public static int? RateLimit(int? value, bool required, ValidationErrors errors)
    {
        if (value is null)
        {
            return required ? DefaultRateLimitPerMinute : null;
        }

        if (value is < 1 or > MaxRateLimitPerMinute)
        {
            errors.Add("rate_limit_per_minute", $"must be between 1 and {MaxRateLimitPerMinute} emails a minute: every trigger has a limit (default {DefaultRateLimitPerMinute}).");
        }

        return value;
    }

    /// <summary>Lower-case ASCII (IDNA) domains, de-duplicated; null keeps the current list on update.</summary>
    public static string[]? AllowedRecipientDomains(IReadOnlyList<string>? values, ValidationErrors errors)
    {
        if (values is null)
        {
            return null;
        }

        if (values.Count > MaxAllowedDomains)
        {
            errors.Add("allowed_recipient_domains", $"may list at most {MaxAllowedDomains} domains.");
            return null;
        }

        var domains = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            if (Domain(values[i]) is { } domain)
            {
                domains.Add(domain);
            }
            else
            {
                errors.Add($"allowed_recipient_domains[{i}]", "must be a domain name such as example.com (no @, no wildcard).");
            }
        }

        return domains.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The domain of a mailbox address, or a domain as given, in the form compared: lower-case IDNA.</summary>
    public static string? Domain(string? value)
    {
        var trimmed = value?.Trim().TrimEnd('.');
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > 253 || !trimmed.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var ascii = new System.Globalization.IdnMapping().GetAscii(trimmed).ToLowerInvariant();
            return Uri.CheckHostName(ascii) == UriHostNameType.Dns ? ascii : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

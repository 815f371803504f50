using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;
using Moosermail.Core.Validation;

namespace Moosermail.Core.OperatorMail;

/// <summary>
/// Moosermail's own sender (password resets, email verification, invitations): an operator-level Resend
/// key and From address, never a team's. Optional: <see cref="IsConfigured"/> is false when neither is set.
/// Setting only one, or a malformed one, stops the app at start with a message naming the setting.
/// </summary>
public sealed record OperatorMailSettings(string? ResendKey, string? From)
{
    public const string ResendKeyKey = "MOOSERMAIL_SYSTEM_RESEND_KEY";
    public const string FromKey = "MOOSERMAIL_SYSTEM_FROM";

    /// <summary>What a caller is told (as a not-configured outcome) when operator mail is off.</summary>
    public const string HowToConfigure =
        $"This deployment does not send its own mail. The operator sets {ResendKeyKey} (a Resend API key, re_...) and " +
        $"{FromKey} (e.g. \"Moosermail <no-reply@your-domain>\", on a domain verified in that Resend account) to turn it on.";

    public bool IsConfigured => ResendKey is not null && From is not null;

    /// <exception cref="ConfigurationException">Only one of the two is set, or one is malformed.</exception>
    public static OperatorMailSettings Load(IConfiguration configuration)
    {
        var key = configuration[ResendKeyKey]?.Trim();
        var from = configuration[FromKey]?.Trim();
        if (string.IsNullOrEmpty(key) && string.IsNullOrEmpty(from))
        {
            return new OperatorMailSettings(null, null);
        }

        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(from))
        {
            throw new ConfigurationException($"{ResendKeyKey} and {FromKey} go together: set both to send Moosermail's own mail, or neither.");
        }

        if (!key.StartsWith("re_", StringComparison.Ordinal) || key.Length < 8 || key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ConfigurationException($"{ResendKeyKey} must be a Resend API key (re_..., from https://resend.com/api-keys).");
        }

        return new OperatorMailSettings(key, FromAddress.Normalize(from)
            ?? throw new ConfigurationException($"{FromKey} must be an address or Name <address>, e.g. Moosermail <no-reply@example.com>."));
    }

    // The key is a secret: keep it out of any log line or exception that prints this record.
    public override string ToString() => $"OperatorMailSettings {{ Configured = {IsConfigured}, From = {From} }}";
}

using System.Net.Mail;

namespace Moosermail.Core.Validation;

/// <summary>One definition of a valid mailbox address, used for accounts, recipients and senders.</summary>
public static class EmailAddressRules
{
    public const int MaxLength = 254;

    /// <summary>Trims and lower-cases a plain address; null when it is not a valid address.</summary>
    public static string? Normalize(string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxLength || trimmed.Any(char.IsWhiteSpace))
        {
            return null;
        }

        var at = trimmed.LastIndexOf('@');
        if (at < 1 || at == trimmed.Length - 1 || !trimmed[(at + 1)..].Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        return MailAddress.TryCreate(trimmed, out var parsed) && parsed.Address == trimmed && string.IsNullOrEmpty(parsed.DisplayName)
            ? trimmed.ToLowerInvariant()
            : null;
    }
}

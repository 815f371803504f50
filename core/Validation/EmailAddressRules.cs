using System.Globalization;
using System.Net.Mail;

namespace Moosermail.Core.Validation;

/// <summary>
/// One definition of a valid mailbox address, used for accounts, recipients, contacts and senders: no
/// control, format (bidirectional overrides, zero-width) or unpaired surrogate characters anywhere, and the
/// domain as IDNA — an internationalised domain is checked by the IDNA rules and kept in its ASCII
/// (punycode) form, so one domain has one spelling and a look-alike cannot pass as another.
/// </summary>
public static class EmailAddressRules
{
    public const int MaxLength = 254;

    private static readonly IdnMapping s_idna = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>Trims and lower-cases a plain address (IDNA domain in ASCII); null when it is not a valid address.</summary>
    public static string? Normalize(string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxLength || trimmed.Any(char.IsWhiteSpace) || HasHiddenCharacters(trimmed))
        {
            return null;
        }

        var at = trimmed.LastIndexOf('@');
        if (at < 1 || at == trimmed.Length - 1 || AsciiDomain(trimmed[(at + 1)..]) is not { } domain || !domain.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        var address = $"{trimmed[..at]}@{domain}";
        return address.Length <= MaxLength && MailAddress.TryCreate(address, out var parsed) && parsed.Address == address && string.IsNullOrEmpty(parsed.DisplayName)
            ? address.ToLowerInvariant()
            : null;
    }

    /// <summary>
    /// True when <paramref name="value"/> holds a character a person cannot see or that reorders what they
    /// see: controls (CR, LF, NUL ...), format characters (U+202E and the other bidi controls, zero-width
    /// joiners) and unpaired surrogates.
    /// </summary>
    public static bool HasHiddenCharacters(string value) =>
        TextRules.Problem(value) is not null
        || value.Any(c => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format);

    private static string? AsciiDomain(string domain)
    {
        try
        {
            return s_idna.GetAscii(domain);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

namespace Moosermail.Core.Validation;

/// <summary>A From header value: <c>addr</c> or <c>Name &lt;addr&gt;</c>, trimmed, the address lower-cased.</summary>
public static class FromAddress
{
    public static string? Normalize(string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        var open = trimmed.LastIndexOf('<');
        if (open < 0)
        {
            return EmailAddressRules.Normalize(trimmed);
        }

        var name = trimmed[..open].Trim().Trim('"');
        var address = trimmed.EndsWith('>') ? EmailAddressRules.Normalize(trimmed[(open + 1)..^1]) : null;
        if (address is null || name.Length == 0 || name.IndexOfAny(['<', '>', '"']) >= 0 || EmailAddressRules.HasHiddenCharacters(name))
        {
            return null;
        }

        return $"{name} <{address}>";
    }

    /// <summary>The bare address of a normalized From value.</summary>
    public static string AddressOf(string from)
    {
        var open = from.LastIndexOf('<');
        return open < 0 ? from : from[(open + 1)..^1];
    }
}

namespace Moosermail.Core.Validation;

/// <summary>
/// Text that must never enter the system, whatever the field: NUL (Postgres text cannot hold it, so it
/// fails deep inside a statement) and a lone UTF-16 surrogate (not a character; encoders throw on it).
/// </summary>
public static class TextRules
{
    /// <summary>Why <paramref name="value"/> is refused, or null when it is acceptable text.</summary>
    public static string? Problem(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                return "must not contain a NUL character (\\u0000).";
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "must not contain a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff).";
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="value"/> holds a CR or LF, which would start a new header line.</summary>
    public static bool HasLineBreak(ReadOnlySpan<char> value) => value.IndexOfAny('\r', '\n') >= 0;
}

using System.Text.RegularExpressions;

namespace Moosermail.Core.Pipes;

/// <summary>
/// strip_closers (§2.11): cuts a plain-text body at the first mobile or mail-client footer, from the footer's line
/// to the end of the body, and drops the blank lines and a signature separator ("--", "__") left above it. A footer
/// counts only at the start of a line, on any line of a multi-line body (\n, \r\n or \r) (the original's suspected bug was missing
/// that); the same words inside a sentence are kept.
/// </summary>
public static partial class CloserStripper
{
    public static string Strip(string text)
    {
        // Line by line, with the pattern anchored at the line's start: each test is bounded by one line, whatever the body.
        var start = -1;
        var offset = 0;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (Closer().IsMatch(line))
            {
                start = offset;
                break;
            }

            offset += line.Length + (offset + line.Length < text.Length && text[offset + line.Length] == '\r' && offset + line.Length + 1 < text.Length && text[offset + line.Length + 1] == '\n' ? 2 : 1);
        }

        if (start < 0)
        {
            return text;
        }

        var kept = text[..start].TrimEnd();
        while (kept.Length > 0)
        {
            var lastLineStart = kept.LastIndexOfAny(['\n', '\r']) + 1;
            var lastLine = kept.AsSpan(lastLineStart).Trim();
            if (lastLine is not "--" && (lastLine.Length < 2 || lastLine.ContainsAnyExcept('_')))
            {
                break;
            }

            kept = kept[..lastLineStart].TrimEnd();
        }

        return kept;
    }

    // The documented patterns, one alternative each: Sent from my iPhone/iPad/Galaxy/Pixel/Huawei (with the maker's
    // name some phones add), Get Outlook for iOS/Android, Sent from Yahoo Mail / Mail for Windows / Mailspring /
    // Superhuman, and the generic "This message was sent from/via ...".
    [GeneratedRegex(
        """
        ^[ \t]*(?:
            sent[ \t\u00A0]+from[ \t\u00A0]+my[ \t\u00A0]+(?:samsung[ \t\u00A0]+|google[ \t\u00A0]+)?(?:iphone|ipad|galaxy|pixel|huawei)\b
          | get[ \t\u00A0]+outlook[ \t\u00A0]+for[ \t\u00A0]+(?:ios|android)\b
          | sent[ \t\u00A0]+from[ \t\u00A0]+(?:yahoo[ \t\u00A0]+mail|mail[ \t\u00A0]+for[ \t\u00A0]+windows|mailspring|superhuman)\b
          | this[ \t\u00A0]+(?:message|e-?mail)[ \t\u00A0]+was[ \t\u00A0]+sent[ \t\u00A0]+(?:from|via)\b
        )
        """,
        RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex Closer();
}

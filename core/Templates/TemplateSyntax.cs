namespace Moosermail.Core.Templates;

public sealed record TemplateSyntaxError(int Line, int Column, string Message)
{
    public override string ToString() => $"syntax error at line {Line}, column {Column}: {Message}";
}

/// <summary>
/// The template language we accept: <c>{{name}}</c> (HTML-escaped in body_html) and <c>{{{name}}}</c> (raw).
/// Block helpers, partials, paths and escaped mustaches are refused at save time, so the extracted
/// <c>variables</c> and the renderer's <c>missing</c> list are exact and no <c>{{...}}</c> survives rendering.
/// </summary>
public static class TemplateSyntax
{
    // Handlebars literals and built-in helpers: as a variable they would not insert the value (lookup even throws).
    private static readonly HashSet<string> s_reserved = new(StringComparer.Ordinal)
    {
        "this", "else", "true", "false", "null", "undefined", "lookup", "log", "helperMissing", "blockHelperMissing",
    };

    /// <summary>The variables of <paramref name="text"/> in order of first appearance, or its first syntax error.</summary>
    public static (IReadOnlyList<string> Variables, TemplateSyntaxError? Error) Scan(string text)
    {
        var variables = new List<string>();
        var start = 0;
        while ((start = text.IndexOf("{{", start, StringComparison.Ordinal)) >= 0)
        {
            var raw = start + 2 < text.Length && text[start + 2] == '{';
            var close = raw ? "}}}" : "}}";
            var end = text.IndexOf(close, start + close.Length, StringComparison.Ordinal);
            if (start > 0 && text[start - 1] == '\\')
            {
                return (variables, ErrorAt(text, start - 1, "escaped mustaches (\\{{) are not supported."));
            }

            if (end < 0)
            {
                return (variables, ErrorAt(text, start, $"'{(raw ? "{{{" : "{{")}' is never closed with '{close}'."));
            }

            var name = text[(start + close.Length)..end].Trim();
            if (!IsVariableName(name))
            {
                return (variables, ErrorAt(text, start, $"'{text[start..(end + close.Length)]}' is not a variable; only {{{{name}}}} and {{{{{{name}}}}}} are supported, name being letters, digits and _."));
            }

            if (!variables.Contains(name, StringComparer.Ordinal))
            {
                variables.Add(name);
            }

            start = end + close.Length;
        }

        return (variables, null);
    }

    /// <summary>The distinct variables of all <paramref name="texts"/>, in order of first appearance. Assumes valid texts.</summary>
    public static string[] Variables(params string[] texts) =>
        texts.SelectMany(t => Scan(t).Variables).Distinct(StringComparer.Ordinal).ToArray();

    private static bool IsVariableName(string name) =>
        name.Length is > 0 and <= 64
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && !s_reserved.Contains(name);

    private static TemplateSyntaxError ErrorAt(string text, int index, string message)
    {
        var line = 1 + text.AsSpan(0, index).Count('\n');
        var lineStart = index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;
        return new TemplateSyntaxError(line, index - lineStart + 1, message);
    }
}

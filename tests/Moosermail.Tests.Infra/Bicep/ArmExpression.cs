namespace Moosermail.Tests.Infra.Bicep;

/// <summary>
/// Just enough of the ARM expression language to read an object Bicep compiled into createObject('k', v, ...)
/// calls (it does so when the object is built with union()): the keys and the text of each value.
/// Hand-written: no .NET library parses ARM template expressions offline.
/// </summary>
internal static class ArmExpression
{
    public static IReadOnlyDictionary<string, string> CreateObjectPairs(string expression)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        var at = 0;
        while ((at = expression.IndexOf("createObject(", at, StringComparison.Ordinal)) >= 0)
        {
            at += "createObject(".Length;
            var arguments = TopLevelArguments(expression, at);
            for (var i = 0; i + 1 < arguments.Count; i += 2)
            {
                pairs[arguments[i].Trim().Trim('\'')] = arguments[i + 1].Trim();
            }
        }

        return pairs;
    }

    /// <summary>The comma-separated arguments of the call whose '(' ends just before <paramref name="start"/>.</summary>
    private static List<string> TopLevelArguments(string text, int start)
    {
        var arguments = new List<string>();
        var depth = 0;
        var inString = false;
        var from = start;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                {
                    i++; // '' is an escaped quote inside an ARM string literal
                }
                else if (c == '\'')
                {
                    inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '\'':
                    inString = true;
                    break;
                case '(':
                    depth++;
                    break;
                case ')' when depth == 0:
                    if (i > from)
                    {
                        arguments.Add(text[from..i]);
                    }

                    return arguments;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    arguments.Add(text[from..i]);
                    from = i + 1;
                    break;
            }
        }

        return arguments;
    }
}

using System.Globalization;
using System.Text.Json;

namespace Moosermail.Cli;

/// <summary>Small readers for printing answers as text.</summary>
public static class JsonText
{
    public static string Str(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return string.Empty;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => Printable(value.GetString() ?? string.Empty),
            JsonValueKind.Null or JsonValueKind.Undefined => string.Empty,
            JsonValueKind.Array => Printable(string.Join(", ", value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString()))),
            _ => value.ToString(),
        };
    }

    /// <summary>
    /// Text from the API (a received email's subject or body is anyone's) as it may reach a terminal: control
    /// characters other than newline and tab, ESC included, become U+FFFD, so no escape sequence can recolour the
    /// screen, move the cursor or set the window title.
    /// </summary>
    public static string Printable(string text)
    {
        text = text.Contains('\r', StringComparison.Ordinal) ? text.Replace("\r\n", "\n", StringComparison.Ordinal) : text;
        return text.Any(IsUnsafe) ? string.Concat(text.Select(c => IsUnsafe(c) ? '\uFFFD' : c)) : text;
    }

    private static bool IsUnsafe(char c) => char.IsControl(c) && c is not '\n' and not '\t';

    public static IEnumerable<JsonElement> Items(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    /// <summary>An ISO 8601 timestamp as "2026-01-02 03:04Z", or "-" when absent.</summary>
    public static string When(this JsonElement element, string name) =>
        DateTimeOffset.TryParse(element.Str(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)
            : "-";

    /// <summary>Parses repeated <c>--var name=value</c> options; a malformed one is a usage error.</summary>
    public static Dictionary<string, string> Variables(IEnumerable<string>? pairs, string option = "--var")
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"{option} takes name=value, not '{pair}'");
            }

            variables[pair[..equals]] = pair[(equals + 1)..];
        }

        return variables;
    }
}

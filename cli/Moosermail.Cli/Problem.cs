using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Moosermail.Cli;

/// <summary>Turns an RFC 9457 problem details body into one line: the detail, the field errors and the status.</summary>
public static class Problem
{
    /// <summary>As below, and when the answer says how long to wait (Retry-After) the line says it in seconds.</summary>
    public static string Describe(int status, string body, TimeSpan? retryAfter)
    {
        var line = Describe(status, body);
        if (retryAfter is not { } wait)
        {
            return line;
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return line.Contains($"Retry after {seconds} second", StringComparison.Ordinal) ? line
            : line.EndsWith(')') ? $"{line[..^1]}, retry after {seconds} s)"
            : $"{line} (retry after {seconds} s)";
    }

    public static string Describe(int status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var line = new StringBuilder(Text(root, "detail") ?? Text(root, "title") ?? Text(root, "message") ?? $"HTTP {status}");
                if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in errors.EnumerateObject())
                    {
                        var messages = field.Value.ValueKind == JsonValueKind.Array
                            ? string.Join("; ", field.Value.EnumerateArray().Select(m => m.ToString()))
                            : field.Value.ToString();
                        line.Append(CultureInfo.InvariantCulture, $" [{field.Name}: {messages}]");
                    }
                }

                return $"{line} (HTTP {status})";
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): fall through to the status alone.
        }

        return $"HTTP {status}";
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;
}

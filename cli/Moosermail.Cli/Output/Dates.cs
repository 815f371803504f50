using System.Globalization;
using Humanizer;

namespace Moosermail.Cli.Output;

/// <summary>Timestamps for people: "3 minutes ago" in tables, the exact UTC time beside it in detail views.</summary>
public static class Dates
{
    public static DateTimeOffset? Parse(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    public static string Relative(string text, DateTimeOffset now) =>
        Parse(text) is { } at ? at.Humanize(now, CultureInfo.InvariantCulture) : "-";

    public static string Exact(string text, DateTimeOffset now) =>
        Parse(text) is { } at
            ? $"{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)} ({at.Humanize(now, CultureInfo.InvariantCulture)})"
            : "-";
}

using System.Text.RegularExpressions;
using Cronos;
using Moosermail.Core.Errors;

namespace Moosermail.Core.Cron;

/// <summary>
/// A job's schedule: a 5-field cron expression read by Cronos (ranges, lists, steps, names, L/W/#) in an IANA
/// zone, so DST follows Vixie cron: a slot in the hour skipped in spring runs at the jump, a fixed-time slot in
/// the repeated autumn hour runs once, an interval expression keeps its rhythm through both offsets.
/// </summary>
public sealed partial class CronSchedule
{
    public const int MaxExpressionLength = 120;
    public const int MaxZoneLength = 64;

    /// <summary>Slots are recorded individually back to this far; a job stopped longer runs once and counts the rest.</summary>
    public static readonly TimeSpan MissedSlotsLookBack = TimeSpan.FromDays(35);

    private readonly CronExpression _expression;

    private CronSchedule(CronExpression expression, TimeZoneInfo zone)
    {
        _expression = expression;
        Zone = zone;
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>Parses both, adding a per-field error for each that is wrong; null when either is.</summary>
    public static CronSchedule? Parse(string? expression, string? zone, ValidationErrors errors)
    {
        var cron = ParseExpression(expression, errors);
        var timeZone = ParseZone(zone, errors);
        return cron is null || timeZone is null ? null : new CronSchedule(cron, timeZone);
    }

    /// <summary>For values already stored (validated when saved).</summary>
    public static CronSchedule FromStored(string expression, string zone) =>
        new(CronExpression.Parse(expression, CronFormat.Standard), TimeZoneInfo.FindSystemTimeZoneById(zone));

    /// <summary>The first slot strictly after <paramref name="after"/>, in UTC; null when the expression never fires again.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after) =>
        _expression.GetNextOccurrence(after.ToUniversalTime(), Zone, inclusive: false)?.ToUniversalTime();

    /// <summary>The next <paramref name="count"/> slots after <paramref name="after"/>, each in the zone and in UTC.</summary>
    public IReadOnlyList<CronNextRun> NextRuns(DateTimeOffset after, int count = 5)
    {
        var runs = new List<CronNextRun>(count);
        var from = after;
        while (runs.Count < count && _expression.GetNextOccurrence(from.ToUniversalTime(), Zone, inclusive: false) is { } next)
        {
            runs.Add(new CronNextRun(next, next.ToUniversalTime()));
            from = next;
        }

        return runs;
    }

    /// <summary>
    /// The slots due at <paramref name="now"/> for a job whose next slot was <paramref name="nextRunAt"/>: the latest one to
    /// run, the earlier ones (most recent <paramref name="keep"/>) to record as skipped, and how many were missed in all.
    /// Null when nothing is due yet.
    /// </summary>
    public (DateTimeOffset Latest, IReadOnlyList<DateTimeOffset> Skipped, int Missed)? Due(DateTimeOffset nextRunAt, DateTimeOffset now, int keep)
    {
        if (nextRunAt > now)
        {
            return null;
        }

        var from = nextRunAt < now - MissedSlotsLookBack ? now - MissedSlotsLookBack : nextRunAt;
        var skipped = new Queue<DateTimeOffset>();
        DateTimeOffset? latest = null;
        var missed = 0;
        foreach (var slot in _expression.GetOccurrences(from.ToUniversalTime(), now.ToUniversalTime(), Zone, fromInclusive: true, toInclusive: true))
        {
            if (latest is { } earlier)
            {
                missed++;
                skipped.Enqueue(earlier);
                if (skipped.Count > keep)
                {
                    skipped.Dequeue();
                }
            }

            latest = slot.ToUniversalTime();
        }

        // nextRunAt itself is a slot unless the job was stored before a change of zone rules; fall back to it.
        return (latest ?? nextRunAt.ToUniversalTime(), skipped.ToList(), missed);
    }

    private static CronExpression? ParseExpression(string? value, ValidationErrors errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.Add("cron_expression", "is required: five fields, minute hour day-of-month month day-of-week, like \"*/15 9-17 * * 1-5\".");
            return null;
        }

        if (text.Length > MaxExpressionLength || text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length != 5 || Jitter().IsMatch(text))
        {
            errors.Add("cron_expression", $"must be five fields (minute hour day-of-month month day-of-week), at most {MaxExpressionLength} characters, without H; like \"0 9 * * 1-5\".");
            return null;
        }

        try
        {
            return CronExpression.Parse(text, CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            errors.Add("cron_expression", $"is not a valid cron expression: {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// An IANA zone id only (Windows names are refused so a job means the same everywhere). The shape is checked
    /// before the zone database is asked, so no path-like text reaches it.
    /// </summary>
    private static TimeZoneInfo? ParseZone(string? value, ValidationErrors errors)
    {
        const string Hint = "must be an IANA time zone such as \"UTC\", \"Europe/London\" or \"America/New_York\".";
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add("timezone", $"is required: {Hint}");
            return null;
        }

        if (value.Length > MaxZoneLength || !ZoneShape().IsMatch(value)
            || !TimeZoneInfo.TryFindSystemTimeZoneById(value, out var zone) || !zone.HasIanaId)
        {
            errors.Add("timezone", Hint);
            return null;
        }

        return zone;
    }

    /// <summary>Cronos' H (jitter) picks a random minute at parse time, which would differ between instances.</summary>
    [GeneratedRegex(@"(?<![A-Za-z])[Hh](?![A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex Jitter();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex ZoneShape();
}

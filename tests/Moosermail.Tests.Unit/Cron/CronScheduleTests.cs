using System.Globalization;
using Moosermail.Core.Cron;
using Moosermail.Core.Errors;

namespace Moosermail.Tests.Unit.Cron;

/// <summary>next_runs as the API answers them (local with offset, and UTC) over ranges, lists, steps and DST.</summary>
public sealed class CronScheduleTests
{
    [Fact]
    public void NextRuns_Range_EachHourOfTheRangeThenTheNextDay() =>
        AssertRuns("0 9-11 * * *", "UTC", "2026-01-05T08:30:00Z",
            "2026-01-05T09:00:00+00:00", "2026-01-05T10:00:00+00:00", "2026-01-05T11:00:00+00:00", "2026-01-06T09:00:00+00:00", "2026-01-06T10:00:00+00:00");

    [Fact]
    public void NextRuns_Lists_EveryCombination() =>
        AssertRuns("15,45 9,17 * * *", "UTC", "2026-01-05T00:00:00Z",
            "2026-01-05T09:15:00+00:00", "2026-01-05T09:45:00+00:00", "2026-01-05T17:15:00+00:00", "2026-01-05T17:45:00+00:00", "2026-01-06T09:15:00+00:00");

    [Fact]
    public void NextRuns_Step_EveryTwentyMinutes() =>
        AssertRuns("*/20 * * * *", "UTC", "2026-01-05T10:05:00Z",
            "2026-01-05T10:20:00+00:00", "2026-01-05T10:40:00+00:00", "2026-01-05T11:00:00+00:00", "2026-01-05T11:20:00+00:00", "2026-01-05T11:40:00+00:00");

    [Fact]
    public void NextRuns_WeekdayRange_SkipsTheWeekend() =>
        // 2026-01-09 is a Friday.
        AssertRuns("0 9 * * 1-5", "UTC", "2026-01-09T10:00:00Z",
            "2026-01-12T09:00:00+00:00", "2026-01-13T09:00:00+00:00", "2026-01-14T09:00:00+00:00", "2026-01-15T09:00:00+00:00", "2026-01-16T09:00:00+00:00");

    [Fact]
    public void NextRuns_RangeWithStepAndNames() =>
        AssertRuns("0 8-18/5 * * MON", "UTC", "2026-01-05T00:00:00Z",
            "2026-01-05T08:00:00+00:00", "2026-01-05T13:00:00+00:00", "2026-01-05T18:00:00+00:00", "2026-01-12T08:00:00+00:00", "2026-01-12T13:00:00+00:00");

    [Fact]
    public void NextRuns_NewYork_SpringForward_TheSkippedTimeRunsAtTheJump()
    {
        // 2026-03-08 02:00 EST becomes 03:00 EDT: 02:30 does not exist that day.
        var runs = AssertRuns("30 2 * * *", "America/New_York", "2026-03-06T12:00:00Z",
            "2026-03-07T02:30:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00", "2026-03-10T02:30:00-04:00", "2026-03-11T02:30:00-04:00");
        Assert.Equal(["2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z", "2026-03-11T06:30:00Z"], runs.Select(r => Utc(r.Utc)));
    }

    [Fact]
    public void NextRuns_NewYork_FallBack_AFixedTimeRunsOnce()
    {
        // 2026-11-01 02:00 EDT becomes 01:00 EST: 01:30 happens twice; a daily job runs at the first.
        var runs = AssertRuns("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z",
            "2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00", "2026-11-03T01:30:00-05:00", "2026-11-04T01:30:00-05:00", "2026-11-05T01:30:00-05:00");
        Assert.Equal("2026-11-01T05:30:00Z", Utc(runs[0].Utc));
        Assert.Equal("2026-11-02T06:30:00Z", Utc(runs[1].Utc));
    }

    [Fact]
    public void NextRuns_NewYork_FallBack_AnIntervalKeepsItsRhythmThroughBothOffsets()
    {
        var runs = AssertRuns("*/30 1 * * *", "America/New_York", "2026-11-01T04:00:00Z",
            "2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T01:30:00-05:00", "2026-11-02T01:00:00-05:00");
        Assert.Equal(["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z", "2026-11-02T06:00:00Z"], runs.Select(r => Utc(r.Utc)));
    }

    [Fact]
    public void NextRuns_London_SpringForwardAndFallBack()
    {
        // 2026-03-29 01:00 GMT becomes 02:00 BST; 2026-10-25 02:00 BST becomes 01:00 GMT.
        var spring = AssertRuns("30 1 * * *", "Europe/London", "2026-03-28T12:00:00Z",
            "2026-03-29T02:00:00+01:00", "2026-03-30T01:30:00+01:00", "2026-03-31T01:30:00+01:00", "2026-04-01T01:30:00+01:00", "2026-04-02T01:30:00+01:00");
        var autumn = AssertRuns("30 1 * * *", "Europe/London", "2026-10-24T12:00:00Z",
            "2026-10-25T01:30:00+01:00", "2026-10-26T01:30:00+00:00", "2026-10-27T01:30:00+00:00", "2026-10-28T01:30:00+00:00", "2026-10-29T01:30:00+00:00");
        Assert.Equal("2026-03-29T01:00:00Z", Utc(spring[0].Utc));
        Assert.Equal("2026-10-25T00:30:00Z", Utc(autumn[0].Utc));
        Assert.Equal("2026-10-26T01:30:00Z", Utc(autumn[1].Utc));
    }

    [Fact]
    public void NextRuns_AnExpressionThatNeverFires_IsEmpty() =>
        Assert.Empty(Parse("0 0 30 2 *", "UTC").NextRuns(At("2026-01-01T00:00:00Z")));

    [Theory]
    [InlineData("")]
    [InlineData("* * * *")]
    [InlineData("* * * * * *")]
    [InlineData("61 * * * *")]
    [InlineData("* 24 * * *")]
    [InlineData("@daily")]
    [InlineData("H * * * *")]
    [InlineData("H(0-29) * * * *")]
    [InlineData("a b c d e")]
    [InlineData("*/0 * * * *")]
    public void Parse_BadExpression_NamesCronExpression(string expression)
    {
        var errors = new ValidationErrors();

        Assert.Null(CronSchedule.Parse(expression, "UTC", errors));
        Assert.Equal(["cron_expression"], errors.ByField().Keys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("../../../etc/passwd")]
    [InlineData("/etc/localtime")]
    [InlineData("Eastern Standard Time")]
    [InlineData("America/New_York\u0000")]
    [InlineData("America//New_York")]
    public void Parse_BadZone_NamesTimezone(string zone)
    {
        var errors = new ValidationErrors();

        Assert.Null(CronSchedule.Parse("* * * * *", zone, errors));
        Assert.Equal(["timezone"], errors.ByField().Keys);
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Etc/GMT+5")]
    [InlineData("US/Eastern")]
    [InlineData("America/Argentina/Buenos_Aires")]
    [InlineData("Asia/Tokyo")]
    public void Parse_IanaZones_AreAccepted(string zone)
    {
        var errors = new ValidationErrors();

        Assert.NotNull(CronSchedule.Parse("0 9 * * THU", zone, errors));
        Assert.True(errors.IsEmpty);
    }

    [Fact]
    public void Due_AfterDowntime_TheLatestSlotRunsAndTheEarlierAreSkipped()
    {
        var due = Parse("* * * * *", "UTC").Due(At("2026-01-05T10:00:00Z"), At("2026-01-05T10:05:30Z"), keep: 100);

        Assert.NotNull(due);
        Assert.Equal("2026-01-05T10:05:00Z", Utc(due.Value.Latest));
        Assert.Equal(["2026-01-05T10:00:00Z", "2026-01-05T10:01:00Z", "2026-01-05T10:02:00Z", "2026-01-05T10:03:00Z", "2026-01-05T10:04:00Z"], due.Value.Skipped.Select(Utc));
        Assert.Equal(5, due.Value.Missed);
    }

    [Fact]
    public void Due_KeepsOnlyTheMostRecentSkippedSlots_ButCountsAll()
    {
        var due = Parse("* * * * *", "UTC").Due(At("2026-01-05T10:00:00Z"), At("2026-01-05T12:00:00Z"), keep: 3);

        Assert.Equal(120, due!.Value.Missed);
        Assert.Equal(["2026-01-05T11:57:00Z", "2026-01-05T11:58:00Z", "2026-01-05T11:59:00Z"], due.Value.Skipped.Select(Utc));
    }

    [Fact]
    public void Due_BeforeTheNextSlot_IsNothing() =>
        Assert.Null(Parse("* * * * *", "UTC").Due(At("2026-01-05T10:01:00Z"), At("2026-01-05T10:00:59Z"), keep: 100));

    [Fact]
    public void Due_OnTime_NothingMissed()
    {
        var due = Parse("*/5 * * * *", "Europe/London").Due(At("2026-01-05T10:05:00Z"), At("2026-01-05T10:05:01Z"), keep: 100);

        Assert.Equal("2026-01-05T10:05:00Z", Utc(due!.Value.Latest));
        Assert.Empty(due.Value.Skipped);
        Assert.Equal(0, due.Value.Missed);
    }

    private static IReadOnlyList<CronNextRun> AssertRuns(string expression, string zone, string after, params string[] local)
    {
        var runs = Parse(expression, zone).NextRuns(At(after));
        Assert.Equal(local, runs.Select(r => r.Local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)));
        Assert.All(runs, r => Assert.Equal(TimeSpan.Zero, r.Utc.Offset));
        Assert.All(runs, r => Assert.Equal(r.Local.UtcDateTime, r.Utc.UtcDateTime));
        return runs;
    }

    private static CronSchedule Parse(string expression, string zone)
    {
        var errors = new ValidationErrors();
        var schedule = CronSchedule.Parse(expression, zone, errors);
        errors.ThrowIfAny();
        return schedule!;
    }

    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);

    private static string Utc(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

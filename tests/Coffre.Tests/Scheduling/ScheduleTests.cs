using Coffre.Scheduling;
using static Coffre.Tests.Scheduling.Zones;

namespace Coffre.Tests.Scheduling;

public class ScheduleTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;

    /// <summary>The first <paramref name="count"/> runs after <paramref name="after"/>, chained through Next.</summary>
    internal static List<DateTimeOffset> Runs(string text, DateTimeOffset after, int count, TimeZoneInfo zone)
    {
        var schedule = Schedule.Parse(text);
        var runs = new List<DateTimeOffset>();
        for (var i = 0; i < count; i++)
        {
            after = schedule.Next(after, zone) ?? throw new InvalidOperationException($"{text} ended");
            runs.Add(after);
        }
        return runs;
    }

    private static DateTimeOffset Utc0(int y, int mo, int d, int h = 0, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    [Fact]
    public void HourlyRunsAtEachFullHour() =>
        Assert.Equal([Utc0(2026, 1, 1, 11), Utc0(2026, 1, 1, 12), Utc0(2026, 1, 1, 13)], Runs("hourly", Utc0(2026, 1, 1, 10, 59), 3, Utc));

    [Fact]
    public void HourlyFollowsLocalFullHoursInAHalfHourZone()
    {
        var india = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"); // +05:30
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 11, 0, 0, TimeSpan.FromHours(5.5)), Schedule.Parse("hourly").Next(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(5.5)), india));
    }

    [Fact]
    public void DailyRunsOncePerDayAtItsTime()
    {
        Assert.Equal([Utc0(2026, 1, 1, 2, 30), Utc0(2026, 1, 2, 2, 30)], Runs("daily 02:30", Utc0(2026, 1, 1), 2, Utc));
        // Exactly at the time: the next one is tomorrow ("strictly after").
        Assert.Equal(Utc0(2026, 1, 2, 2, 30), Schedule.Parse("daily 2:30").Next(Utc0(2026, 1, 1, 2, 30), Utc));
        // One second before: today.
        Assert.Equal(Utc0(2026, 1, 1, 2, 30), Schedule.Parse("daily 2:30").Next(Utc0(2026, 1, 1, 2, 30).AddSeconds(-1), Utc));
    }

    [Fact]
    public void WeeklyRunsOnItsDay()
    {
        // 2026-01-01 is a Thursday.
        Assert.Equal([Utc0(2026, 1, 4, 3), Utc0(2026, 1, 11, 3)], Runs("weekly sun 03:00", Utc0(2026, 1, 1), 2, Utc));
        Assert.Equal([Utc0(2026, 1, 1, 23, 59), Utc0(2026, 1, 8, 23, 59)], Runs("weekly THU 23:59", Utc0(2026, 1, 1), 2, Utc));
    }

    [Fact]
    public void MonthlyRunsOnItsDay() =>
        Assert.Equal([Utc0(2026, 1, 15, 4), Utc0(2026, 2, 15, 4), Utc0(2026, 3, 15, 4)], Runs("monthly 15 04:00", Utc0(2026, 1, 1), 3, Utc));

    [Fact]
    public void MonthlyOnTheThirtyFirstRunsOnTheLastDayOfShorterMonths() =>
        Assert.Equal(
            [Utc0(2026, 1, 31, 1), Utc0(2026, 2, 28, 1), Utc0(2026, 3, 31, 1), Utc0(2026, 4, 30, 1), Utc0(2026, 5, 31, 1), Utc0(2026, 6, 30, 1)],
            Runs("monthly 31 01:00", Utc0(2026, 1, 1), 6, Utc));

    [Fact]
    public void MonthlyOnTheTwentyNinthAndThirtiethInFebruary()
    {
        Assert.Equal([Utc0(2027, 1, 29, 1), Utc0(2027, 2, 28, 1), Utc0(2027, 3, 29, 1)], Runs("monthly 29 01:00", Utc0(2027, 1, 1), 3, Utc));
        Assert.Equal([Utc0(2028, 1, 29, 1), Utc0(2028, 2, 29, 1), Utc0(2028, 3, 29, 1)], Runs("monthly 29 01:00", Utc0(2028, 1, 1), 3, Utc)); // leap year
        Assert.Equal([Utc0(2028, 1, 30, 1), Utc0(2028, 2, 29, 1), Utc0(2028, 3, 30, 1)], Runs("monthly 30 01:00", Utc0(2028, 1, 1), 3, Utc));
    }

    [Fact]
    public void CronStepsRangesAndLists() =>
        Assert.Equal(
            [Utc0(2026, 1, 1, 1, 0), Utc0(2026, 1, 1, 1, 15), Utc0(2026, 1, 1, 1, 30), Utc0(2026, 1, 1, 1, 45), Utc0(2026, 1, 1, 2, 0)],
            Runs("*/15 1-5 * * mon-fri", Utc0(2026, 1, 1), 5, Utc));

    [Fact]
    public void CronWeekdayRangeSkipsTheWeekend() =>
        // Friday 2026-01-02 05:45 is the last of the week; Monday 2026-01-05 01:00 comes next.
        Assert.Equal(Utc0(2026, 1, 5, 1, 0), Schedule.Parse("*/15 1-5 * * mon-fri").Next(Utc0(2026, 1, 2, 5, 45), Utc));

    [Fact]
    public void CronSundayIsZeroOrSeven()
    {
        Assert.Equal(Utc0(2026, 1, 4, 6), Schedule.Parse("0 6 * * 7").Next(Utc0(2026, 1, 1), Utc));
        Assert.Equal(Utc0(2026, 1, 4, 6), Schedule.Parse("0 6 * * 0").Next(Utc0(2026, 1, 1), Utc));
        Assert.Equal(Utc0(2026, 1, 4, 6), Schedule.Parse("0 6 * * SUN").Next(Utc0(2026, 1, 1), Utc));
    }

    [Fact]
    public void CronWithBothDayFieldsRunsOnEither() =>
        // The 13th or any Friday (cron's rule), from Thursday 2026-02-12: Fri 13th, Fri 20th, Fri 27th, Fri 6 March, Fri 13 March.
        Assert.Equal(
            [Utc0(2026, 2, 13, 12), Utc0(2026, 2, 20, 12), Utc0(2026, 2, 27, 12), Utc0(2026, 3, 6, 12), Utc0(2026, 3, 13, 12)],
            Runs("0 12 13 * fri", Utc0(2026, 2, 12), 5, Utc));

    [Fact]
    public void CronMonthsAndDaysOfMonth()
    {
        Assert.Equal([Utc0(2028, 2, 29), Utc0(2032, 2, 29)], Runs("0 0 29 feb *", Utc0(2026, 1, 1), 2, Utc));
        Assert.Equal([Utc0(2026, 1, 31, 23, 59), Utc0(2026, 3, 31, 23, 59), Utc0(2026, 5, 31, 23, 59)], Runs("59 23 31 * *", Utc0(2026, 1, 1), 3, Utc));
        Assert.Equal([Utc0(2026, 4, 1, 3), Utc0(2026, 10, 1, 3)], Runs("0 3 1 4,10 *", Utc0(2026, 1, 1), 2, Utc));
        Assert.Equal([Utc0(2026, 1, 1, 0, 50), Utc0(2026, 1, 1, 0, 55), Utc0(2026, 1, 1, 1, 50)], Runs("50/5 * * * *", Utc0(2026, 1, 1), 3, Utc));
    }

    [Fact]
    public void ZoneDecidesTheWallClock() =>
        // daily 02:30 in Paris in winter is 01:30 UTC; in New York 07:30 UTC.
        Assert.Equal(
            [Utc0(2026, 1, 10, 1, 30), Utc0(2026, 1, 10, 7, 30)],
            [Schedule.Parse("daily 02:30").Next(Utc0(2026, 1, 10), Paris)!.Value.ToUniversalTime(),
             Schedule.Parse("daily 02:30").Next(Utc0(2026, 1, 10), NewYork)!.Value.ToUniversalTime()]);

    [Theory]
    [InlineData("hourly")]
    [InlineData("daily 02:30")]
    [InlineData("Weekly Sun 03:00")]
    [InlineData("monthly 1 00:00")]
    [InlineData("monthly 31 23:59")]
    [InlineData("30 2 * * *")]
    [InlineData("0 0 1,15 jan-jun *")]
    public void Understood(string text)
    {
        Assert.True(Schedule.TryParse(text, out var schedule, out var problem), problem);
        Assert.Equal(text, schedule.Text);
    }

    [Theory]
    [InlineData("", "is not a schedule")]
    [InlineData("monthly 0 03:00", "is not a schedule")]
    [InlineData("monthly 32 03:00", "is not a schedule")]
    [InlineData("monthly 15", "is not a schedule")]
    [InlineData("daily 24:00", "is not a schedule")]
    [InlineData("61 * * * *", "the minute field \"61\" goes outside 0-59")]
    [InlineData("* 24 * * *", "the hour field \"24\" goes outside 0-23")]
    [InlineData("* * 0 * *", "the day of month field \"0\" goes outside 1-31")]
    [InlineData("* * * 13 *", "the month field \"13\" goes outside 1-12")]
    [InlineData("* * * * 8", "the day of week field \"8\" goes outside 0-7")]
    [InlineData("5-1 * * * *", "the minute field \"5-1\" has a range that goes backwards")]
    [InlineData("*/0 * * * *", "has a step that is not a positive number")]
    [InlineData("* * * * funday", "the day of week field \"funday\" is not understood")]
    [InlineData("0 0 30 2 *", "never happens")]
    public void NotUnderstood(string text, string reason)
    {
        Assert.False(Schedule.TryParse(text, out _, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => Schedule.Parse(text));
    }
}

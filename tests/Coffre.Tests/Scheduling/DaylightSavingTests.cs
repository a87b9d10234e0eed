using Coffre.Scheduling;
using static Coffre.Tests.Scheduling.Zones;

namespace Coffre.Tests.Scheduling;

/// <summary>
/// Europe/Paris: 2026-03-29 02:00 CET becomes 03:00 CEST; 2026-10-25 03:00 CEST becomes 02:00 CET.
/// America/New_York: 2026-03-08 02:00 EST becomes 03:00 EDT; 2026-11-01 02:00 EDT becomes 01:00 EST.
/// </summary>
public class DaylightSavingTests
{
    [Fact]
    public void ParisSpringForwardRunsOnceAtTheEndOfTheGap() =>
        Assert.Equal(
            [At(2026, 3, 28, 2, 30, +1), At(2026, 3, 29, 3, 0, +2), At(2026, 3, 30, 2, 30, +2)],
            ScheduleTests.Runs("daily 02:30", At(2026, 3, 28, 0, 0, +1), 3, Paris));

    [Fact]
    public void ParisFallBackRunsOnceAtTheFirstOccurrence()
    {
        var runs = ScheduleTests.Runs("daily 02:30", At(2026, 10, 24, 12, 0, +2), 2, Paris);
        Assert.Equal([At(2026, 10, 25, 2, 30, +2), At(2026, 10, 26, 2, 30, +1)], runs);
        // Asked during the repeated hour (after the first 02:30, before the second): tomorrow, not 02:30 again.
        Assert.Equal(At(2026, 10, 26, 2, 30, +1), Schedule.Parse("daily 02:30").Next(At(2026, 10, 25, 2, 15, +1), Paris));
    }

    [Fact]
    public void NewYorkSpringForward() =>
        Assert.Equal(
            [At(2026, 3, 7, 2, 30, -5), At(2026, 3, 8, 3, 0, -4), At(2026, 3, 9, 2, 30, -4)],
            ScheduleTests.Runs("daily 02:30", At(2026, 3, 7, 0, 0, -5), 3, NewYork));

    [Fact]
    public void NewYorkFallBack() =>
        Assert.Equal(
            [At(2026, 10, 31, 1, 30, -4), At(2026, 11, 1, 1, 30, -4), At(2026, 11, 2, 1, 30, -5)],
            ScheduleTests.Runs("daily 01:30", At(2026, 10, 31, 0, 0, -4), 3, NewYork));

    [Fact]
    public void WeeklyAndMonthlyOnTheChangeDay()
    {
        Assert.Equal(At(2026, 3, 29, 3, 0, +2), Schedule.Parse("weekly sun 02:30").Next(At(2026, 3, 28, 0, 0, +1), Paris));
        Assert.Equal(At(2026, 3, 8, 3, 0, -4), Schedule.Parse("monthly 8 02:00").Next(At(2026, 3, 1, 0, 0, -5), NewYork));
    }

    [Fact]
    public void CronTimesInTheGapRunOnce() =>
        // 02:00, 02:15, 02:30 and 02:45 do not exist that night: one run at 03:00, then 03:00 is not run again.
        Assert.Equal(
            [At(2026, 3, 28, 2, 45, +1), At(2026, 3, 29, 3, 0, +2), At(2026, 3, 30, 2, 0, +2)],
            ScheduleTests.Runs("*/15 2 * * *", At(2026, 3, 28, 2, 40, +1), 3, Paris));

    [Fact]
    public void CronInTheRepeatedHourRunsOnlyTheFirstPass() =>
        Assert.Equal(
            [At(2026, 10, 25, 2, 0, +2), At(2026, 10, 25, 2, 30, +2), At(2026, 10, 26, 2, 0, +1)],
            ScheduleTests.Runs("0,30 2 * * *", At(2026, 10, 25, 0, 0, +2), 3, Paris));

    [Fact]
    public void HourlyKeepsEveryRealHour()
    {
        // Fall back: 02:00 CEST, 02:00 CET (the repeated hour), 03:00 CET.
        Assert.Equal(
            [At(2026, 10, 25, 2, 0, +2), At(2026, 10, 25, 2, 0, +1), At(2026, 10, 25, 3, 0, +1)],
            ScheduleTests.Runs("hourly", At(2026, 10, 25, 1, 30, +2), 3, Paris));
        // Spring forward: 01:00 CET, then 03:00 CEST, one real hour later.
        Assert.Equal(
            [At(2026, 3, 29, 1, 0, +1), At(2026, 3, 29, 3, 0, +2)],
            ScheduleTests.Runs("hourly", At(2026, 3, 29, 0, 30, +1), 2, Paris));
    }

    [Fact]
    public void WallClockGivesTheFirstValidTimeAndTheFirstOccurrence()
    {
        Assert.Equal(At(2026, 3, 29, 3, 0, +2), WallClock.ToInstant(new DateTime(2026, 3, 29, 2, 0, 0), Paris));
        Assert.Equal(At(2026, 10, 25, 2, 59, +2), WallClock.ToInstant(new DateTime(2026, 10, 25, 2, 59, 0), Paris));
        Assert.Equal(At(2026, 10, 25, 3, 0, +1), WallClock.ToInstant(new DateTime(2026, 10, 25, 3, 0, 0), Paris));
    }
}

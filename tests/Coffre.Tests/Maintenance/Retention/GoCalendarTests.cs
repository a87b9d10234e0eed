using System.Globalization;
using Coffre.Maintenance.Retention;
using Coffre.Model;

namespace Coffre.Tests.Maintenance.Retention;

public class GoCalendarTests
{
    [Theory]
    [InlineData("2021-01-03T12:00:00Z", 202053)] // a Sunday: still the last ISO week of 2020
    [InlineData("2021-01-04T00:00:00Z", 202101)]
    [InlineData("2024-12-30T08:00:00Z", 202501)] // a Monday: ISO week 1 of 2025
    [InlineData("2026-12-31T23:59:59Z", 202653)]
    [InlineData("2021-01-03T23:30:00-01:00", 202053)] // Monday 00:30 in UTC, but still Sunday at its own offset
    public void Week_is_the_iso_week_of_the_recorded_wall_clock(string time, long expected) =>
        Assert.Equal(expected, GoCalendar.Week(GoTime.Parse(time)));

    [Fact]
    public void Week_agrees_with_dotnet_iso_week_over_decades()
    {
        for (var day = new DateTime(1999, 12, 1, 0, 0, 0, DateTimeKind.Utc); day.Year < 2041; day = day.AddDays(1))
        {
            var t = GoTime.FromDateTimeOffset(new DateTimeOffset(day.AddHours(13), TimeSpan.Zero));
            Assert.Equal(ISOWeek.GetYear(day) * 100L + ISOWeek.GetWeekOfYear(day), GoCalendar.Week(t));
        }
    }

    [Fact]
    public void Buckets_use_the_offset_the_snapshot_was_written_with()
    {
        var t = GoTime.Parse("2022-01-01T00:30:00+01:00"); // 2021-12-31 23:30 in UTC
        Assert.Equal(2022010100, GoCalendar.Hour(t));
        Assert.Equal(20220101, GoCalendar.Day(t));
        Assert.Equal(202201, GoCalendar.Month(t));
        Assert.Equal(2022, GoCalendar.Year(t));
        Assert.Equal(202152, GoCalendar.Week(t)); // a Saturday
    }

    [Theory]
    [InlineData("2021-03-31T12:00:00+05:00", 0, 1, 0, "2021-03-03T12:00:00+05:00")] // Feb 31 is Mar 3 in Go
    [InlineData("2020-03-31T12:00:00+05:00", 0, 1, 0, "2020-03-02T12:00:00+05:00")] // leap year: Feb 31 is Mar 2
    [InlineData("2021-01-31T00:00:00Z", 0, 2, 0, "2020-12-01T00:00:00Z")] // Nov 31 is Dec 1
    [InlineData("2024-02-29T06:00:00-03:00", 1, 0, 0, "2023-03-01T06:00:00-03:00")] // Feb 29 of a common year
    [InlineData("2021-03-01T10:00:00Z", 0, 0, 1, "2021-02-28T10:00:00Z")]
    [InlineData("2021-01-10T10:00:00Z", 1, 13, 400, "2017-11-05T10:00:00Z")] // 13 months: normalised into years
    public void AddDate_normalises_like_go(string from, int years, int months, int days, string expected) =>
        Assert.Equal(expected, GoCalendar.AddDate(GoTime.Parse(from), -years, -months, -days, TimeZoneInfo.Utc).ToRfc3339Nano());

    [Fact]
    public void AddDate_in_the_local_zone_keeps_the_wall_clock_across_dst()
    {
        // +02:00 is Paris summer time on April 2: Go reads it as Local, and a week back is 12:00 winter time (167 h).
        var latest = GoTime.Parse("2021-04-02T12:00:00+02:00");
        Assert.Equal("2021-03-26T12:00:00+01:00", GoCalendar.AddDate(latest, 0, 0, -7, Snapshots.Paris).ToRfc3339Nano());
        // In UTC (or any zone without that offset then) +02:00 is a fixed zone: exactly 168 h.
        Assert.Equal("2021-03-26T12:00:00+02:00", GoCalendar.AddDate(latest, 0, 0, -7, TimeZoneInfo.Utc).ToRfc3339Nano());
        // Z is UTC for Go, whatever the local zone.
        Assert.Equal("2021-03-26T12:00:00Z", GoCalendar.AddDate(GoTime.Parse("2021-04-02T12:00:00Z"), 0, 0, -7, Snapshots.Paris).ToRfc3339Nano());
    }

    [Fact]
    public void AddDate_into_a_dst_gap_or_overlap_picks_the_instant_go_picks()
    {
        // 2021-03-28 02:30 does not exist in Paris: Go lands on 01:30 UTC (03:30 summer time).
        var gap = GoCalendar.AddDate(GoTime.Parse("2021-04-28T02:30:00+02:00"), 0, 0, -31, Snapshots.Paris);
        Assert.Equal(GoTime.Parse("2021-03-28T01:30:00Z").UnixSeconds, gap.UnixSeconds);
        // 2021-10-31 02:30 exists twice: Go takes the second one (winter time, 01:30 UTC).
        var overlap = GoCalendar.AddDate(GoTime.Parse("2021-11-30T02:30:00+01:00"), 0, 0, -30, Snapshots.Paris);
        Assert.Equal(GoTime.Parse("2021-10-31T01:30:00Z").UnixSeconds, overlap.UnixSeconds);
    }

    [Fact]
    public void Subtract_takes_hours_off_as_a_duration_after_the_calendar_part()
    {
        var t = GoCalendar.Subtract(GoTime.Parse("2021-03-28T12:00:00+02:00"), new RetentionDuration(0, 0, 1, 12), Snapshots.Paris);
        // a day back in Paris wall time is 2021-03-27 12:00+01:00 (11:00 UTC), then 12 hours
        Assert.Equal(GoTime.Parse("2021-03-26T23:00:00Z").UnixSeconds, t.UnixSeconds);
    }
}

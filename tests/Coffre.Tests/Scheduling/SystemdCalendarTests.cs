using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Coffre.Scheduling;

namespace Coffre.Tests.Scheduling;

public partial class SystemdCalendarTests
{
    [Theory]
    [InlineData("hourly", "*-*-* *:00:00")]
    [InlineData("daily 02:30", "*-*-* 02:30:00")]
    [InlineData("daily 9:05", "*-*-* 09:05:00")]
    [InlineData("weekly sun 03:00", "Sun *-*-* 03:00:00")]
    [InlineData("monthly 1 04:00", "*-*-01 04:00:00")]
    [InlineData("monthly 28 04:00", "*-*-28 04:00:00")]
    [InlineData("monthly 29 04:00", "*-*-29 04:00:00|*-02~01 04:00:00")]
    [InlineData("monthly 30 04:00", "*-*-30 04:00:00|*-02~01 04:00:00")]
    [InlineData("monthly 31 04:00", "*-*~01 04:00:00")]
    [InlineData("30 2 * * *", "*-*-* 02:30:00")]
    [InlineData("*/15 1-5 * * mon-fri", "Mon,Tue,Wed,Thu,Fri *-*-* 01,02,03,04,05:00,15,30,45:00")]
    [InlineData("0 0 1,15 jan-mar *", "*-01,02,03-01,15 00:00:00")]
    [InlineData("0 6 * * 7", "Sun *-*-* 06:00:00")]
    [InlineData("0 12 13 * fri", "Fri *-*-* 12:00:00|*-*-13 12:00:00")]
    [InlineData("0 12 * * *", "*-*-* 12:00:00")]
    public void OnCalendarForEachForm(string schedule, string expected) =>
        Assert.Equal(expected, string.Join('|', SystemdCalendar.OnCalendar(Schedule.Parse(schedule))));

    /// <summary>
    /// systemd itself computes the next elapses of our OnCalendar expressions; in UTC (no daylight saving) they are
    /// the schedule's own next runs, for every form.
    /// </summary>
    [SystemdAnalyzeFact]
    public void SystemdAgreesWithTheScheduleInUtc()
    {
        var baseTime = new DateTimeOffset(2026, 1, 1, 0, 0, 30, TimeSpan.Zero);
        string[] schedules =
        [
            "hourly", "daily 02:30", "weekly sun 03:00", "monthly 15 04:00", "monthly 29 04:00", "monthly 30 04:00", "monthly 31 04:00",
            "*/15 1-5 * * mon-fri", "0 12 13 * fri", "0 0 1,15 jan-mar *", "59 23 31 * *", "0 0 29 2 *", "0 5 1-7 * sun",
        ];
        foreach (var text in schedules)
        {
            var schedule = Schedule.Parse(text);
            var count = 40;
            var systemd = SystemdCalendar.OnCalendar(schedule)
                .SelectMany(c => Elapses(c, baseTime, count, "UTC"))
                .Distinct().Order().Take(count).ToList();
            var ours = ScheduleTests.Runs(text, baseTime, count, TimeZoneInfo.Utc).Select(t => t.UtcDateTime).ToList();
            Assert.True(ours.SequenceEqual(systemd), $"{text}: systemd {string.Join(", ", systemd.Take(5))}... ours {string.Join(", ", ours.Take(5))}...");
        }
    }

    /// <summary>On a fall-back night both run a repeated time once, at its first occurrence.</summary>
    [SystemdAnalyzeFact]
    public void SystemdAgreesOnTheFallBackNight()
    {
        var baseTime = new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.Zero);
        var systemd = Elapses("*-*-* 02:30:00", baseTime, 3, "Europe/Paris");
        var ours = ScheduleTests.Runs("daily 02:30", baseTime, 3, Zones.Paris).Select(t => t.UtcDateTime);
        Assert.Equal(ours, systemd);
    }

    /// <summary>The next elapses systemd computes for one OnCalendar expression, in UTC.</summary>
    private static List<DateTime> Elapses(string calendar, DateTimeOffset baseTime, int count, string zone)
    {
        var psi = new ProcessStartInfo(SystemdAnalyzeFactAttribute.Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "calendar", $"--iterations={count}", "--base-time=" + baseTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC", calendar })
            psi.ArgumentList.Add(a);
        psi.Environment["TZ"] = zone;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"systemd-analyze calendar '{calendar}': {stderr.Result}");
        // Local times with the zone's abbreviation; "(in UTC)" is printed for the first elapse only.
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        return Elapse().Matches(output)
            .Select(m => ToUtc(DateTime.ParseExact(m.Groups[1].Value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), m.Groups[2].Value, tz))
            .ToList();
    }

    /// <summary>A repeated local time is told apart by its abbreviation (CEST, EDT: the first pass, the larger offset).</summary>
    private static DateTime ToUtc(DateTime local, string abbreviation, TimeZoneInfo tz)
    {
        var offset = !tz.IsAmbiguousTime(local) ? tz.GetUtcOffset(local)
            : abbreviation is "CEST" or "EDT" ? tz.GetAmbiguousTimeOffsets(local).Max() : tz.GetAmbiguousTimeOffsets(local).Min();
        return DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
    }

    [GeneratedRegex(@"(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (\S+)")]
    private static partial Regex Elapse();
}

using Coffre.Model;

namespace Coffre.Maintenance.Retention;

/// <summary>
/// The calendar arithmetic restic's retention does with Go's <c>time</c> package, reproduced exactly.
/// A snapshot time read from JSON lives in a Go "location": <c>Z</c> gives UTC; an offset that the local zone
/// (TZ) has at that instant gives Local, with its DST rules; any other offset gives a fixed zone. Buckets
/// (hour, day, ISO week, month, year) use the wall clock at the recorded offset, which is the same in all three
/// cases. Only <see cref="AddDate"/> differs: in Local it goes back in local wall-clock time, so a day across a
/// DST change is 23 or 25 hours.
/// </summary>
internal static class GoCalendar
{
    private const long SecondsPerDay = 86400;

    /// <summary>Go's <c>ymdh</c>: YYYYMMDDHH of the wall clock.</summary>
    public static long Hour(GoTime t)
    {
        var (y, m, d, sod) = Wall(t);
        return y * 1_000_000 + m * 10_000 + d * 100 + sod / 3600;
    }

    /// <summary>Go's <c>ymd</c>: YYYYMMDD.</summary>
    public static long Day(GoTime t)
    {
        var (y, m, d, _) = Wall(t);
        return y * 10_000 + m * 100 + d;
    }

    /// <summary>Go's <c>yw</c>: ISO year * 100 + ISO week.</summary>
    public static long Week(GoTime t)
    {
        var days = WallDays(t);
        var sinceMonday = days + 3 - GoTime.FloorDiv(days + 3, 7) * 7; // 0 on Mondays (1970-01-01 was a Thursday)
        var thursday = days - sinceMonday + 3; // the ISO week's year is its Thursday's
        GoTime.CivilFromDays(thursday, out var isoYear, out _, out _);
        var week = (thursday - GoTime.DaysFromCivil(isoYear, 1, 1)) / 7 + 1;
        return isoYear * 100 + week;
    }

    /// <summary>Go's <c>ym</c>: YYYYMM.</summary>
    public static long Month(GoTime t)
    {
        var (y, m, _, _) = Wall(t);
        return y * 100 + m;
    }

    /// <summary>Go's <c>y</c>.</summary>
    public static long Year(GoTime t) => Wall(t).Year;

    /// <summary>
    /// <c>t.AddDate(-years, -months, -days).Add(-hours)</c> in <paramref name="t"/>'s Go location: the wall-clock date is
    /// moved and normalised like Go's <c>time.Date</c> (March 31 minus a month is March 3), the wall-clock time kept,
    /// then the instant found in that location; the hours are then taken off as an exact duration.
    /// </summary>
    public static GoTime Subtract(GoTime t, RetentionDuration d, TimeZoneInfo local)
    {
        var moved = AddDate(t, -(long)d.Years, -(long)d.Months, -(long)d.Days, local);
        return moved with { UnixSeconds = moved.UnixSeconds - d.Hours * 3600L };
    }

    public static GoTime AddDate(GoTime t, long years, long months, long days, TimeZoneInfo local)
    {
        var (y, m, d, sod) = Wall(t);
        // Go's time.Date: months normalised into the year first, then the day counted from the 1st (so it may overflow).
        var m0 = m - 1 + months;
        var year = y + years + GoTime.FloorDiv(m0, 12);
        var month = (int)(m0 - GoTime.FloorDiv(m0, 12) * 12) + 1;
        var wallDays = GoTime.DaysFromCivil(year, month, 1) + d - 1 + days;
        var wall = wallDays * SecondsPerDay + sod;
        int offset;
        if (IsLocal(t, local))
        {
            // Go: the zone in force at "wall read as UTC", then the zone in force at the instant that gives.
            offset = OffsetAt(local, wall - OffsetAt(local, wall));
        }
        else offset = t.OffsetSeconds;
        return new GoTime(wall - offset, t.Nanoseconds, offset);
    }

    /// <summary>Go's <c>After</c>: strictly later instant.</summary>
    public static bool After(GoTime a, GoTime b) =>
        a.UnixSeconds > b.UnixSeconds || (a.UnixSeconds == b.UnixSeconds && a.Nanoseconds > b.Nanoseconds);

    /// <summary>
    /// Whether Go's JSON parsing puts this time in the Local location: an offset other than 0 (0 is written <c>Z</c>,
    /// which parses as UTC) that the local zone has at that instant.
    /// </summary>
    public static bool IsLocal(GoTime t, TimeZoneInfo local) =>
        t.OffsetSeconds != 0 && OffsetAt(local, t.UnixSeconds) == t.OffsetSeconds;

    private static int OffsetAt(TimeZoneInfo zone, long unixSeconds)
    {
        var clamped = Math.Clamp(unixSeconds, -62135596800 + SecondsPerDay, 253402300799 - SecondsPerDay);
        return (int)(zone.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(clamped)).Ticks / TimeSpan.TicksPerSecond);
    }

    private static long WallDays(GoTime t) => GoTime.FloorDiv(t.UnixSeconds + t.OffsetSeconds, SecondsPerDay);

    private static (long Year, int Month, int Day, long SecondOfDay) Wall(GoTime t)
    {
        var wall = t.UnixSeconds + t.OffsetSeconds;
        var days = GoTime.FloorDiv(wall, SecondsPerDay);
        GoTime.CivilFromDays(days, out var y, out var m, out var d);
        return (y, m, d, wall - days * SecondsPerDay);
    }
}

using System.Globalization;

namespace Coffre.Scheduling;

/// <summary>
/// When a job runs on its own: <c>hourly</c>, <c>daily HH:MM</c>, <c>weekly DAY HH:MM</c>, <c>monthly D HH:MM</c>
/// or a five-field cron expression (docs/scheduling.md). Times are wall-clock times of a time zone; see
/// <see cref="Next"/> for what happens around daylight-saving changes.
/// </summary>
/// <remarks>
/// The next-occurrence computation is our own (<see cref="CalendarSchedule"/>, <see cref="WallClock"/>) rather than
/// Quartz's <c>CronExpression</c>: Quartz 4 drags Microsoft.Extensions.Hosting into the engine (or needs the
/// ASP.NET framework reference), its cron has six or seven fields with other rules, and these forms are small.
/// </remarks>
public abstract class Schedule
{
    internal const string Help =
        "use \"hourly\", \"daily HH:MM\", \"weekly DAY HH:MM\" (DAY: mon..sun), \"monthly D HH:MM\" (D: 1..31) or a cron expression such as \"30 2 * * *\"";

    /// <summary>Searching further than this finds nothing new: 28 years repeat the calendar (leap years and weekdays).</summary>
    internal const int SearchDays = 366 * 29;

    private protected Schedule(string text) => Text = text;

    /// <summary>The expression as written in the configuration.</summary>
    public string Text { get; }

    /// <summary>
    /// The first run strictly after <paramref name="after"/>, in <paramref name="zone"/>'s wall-clock time; null when
    /// the expression never matches (a cron expression for 31 February). A wall time that a spring-forward change
    /// skips runs at the first valid time after the gap (02:30 on such a day runs at 03:00), once; a wall time that a
    /// fall-back change repeats runs once, at its first occurrence. <c>hourly</c> runs at every :00 of local time,
    /// so the repeated hour of a fall-back day has its run too.
    /// </summary>
    public abstract DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone);

    public override string ToString() => Text;

    /// <summary>Parses a schedule; throws <see cref="FormatException"/> with a one-line reason.</summary>
    public static Schedule Parse(string text) =>
        TryParse(text, out var schedule, out var problem) ? schedule : throw new FormatException(problem);

    /// <summary>Parses a schedule, or says (in one line, for <c>config check</c>) why it is not one.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Schedule? schedule, out string? problem)
    {
        schedule = null;
        problem = null;
        var parts = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length is > 0 and < 5) parts[0] = parts[0].ToLowerInvariant(); // "Daily 02:30" too
        string? reason = null;
        schedule = parts switch
        {
            ["hourly"] => new HourlySchedule(text!),
            ["daily", var t] when Time(t) is { } at => CalendarSchedule.Daily(text!, at),
            ["weekly", var d, var t] when Time(t) is { } at && DayOfWeekNamed(d) is { } day => CalendarSchedule.Weekly(text!, day, at),
            ["monthly", var d, var t] when Time(t) is { } at && DayOfMonth(d) is { } dom => CalendarSchedule.Monthly(text!, dom, at),
            { Length: 5 } => CronExpression.TryParse(text!, parts, out reason),
            _ => null,
        };
        if (schedule is null)
        {
            problem = $"\"{text}\" is not a schedule: {reason ?? Help}";
            return false;
        }
        // A cron expression that never matches (30 February) would never run: say so now rather than never.
        if (schedule.Next(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc) is null)
        {
            problem = $"\"{text}\" never happens (no such day)";
            schedule = null;
            return false;
        }
        return true;
    }

    private static TimeOnly? Time(string t) =>
        TimeOnly.TryParseExact(t, "H:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var v) ? v : null;

    private static int? DayOfMonth(string d) =>
        int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= 31 ? v : null;

    internal static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    private static DayOfWeek? DayOfWeekNamed(string d)
    {
        var i = Array.IndexOf(DayNames, d.ToLowerInvariant());
        return i < 0 ? null : (DayOfWeek)i;
    }
}

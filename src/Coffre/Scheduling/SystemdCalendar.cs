using System.Globalization;

namespace Coffre.Scheduling;

/// <summary>
/// A schedule as systemd timer <c>OnCalendar=</c> expressions (systemd.time(7)); a timer with several of them runs
/// at each. Every form Coffre accepts translates: cron's "either day field" rule becomes two expressions, and
/// <c>monthly 29..31</c> adds the last day (<c>~01</c>) of the months that are too short.
/// </summary>
public static class SystemdCalendar
{
    public static IReadOnlyList<string> OnCalendar(Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule is not CalendarSchedule c) return ["*-*-* *:00:00"]; // hourly
        var time = $"{List(c.Hours, 24)}:{List(c.Minutes, 60)}:00";
        if (c.MonthlyDay is { } day)
            return day switch
            {
                <= 28 => [$"*-*-{Two(day)} {time}"],
                31 => [$"*-*~01 {time}"],                                 // the last day of every month
                _ => [$"*-*-{Two(day)} {time}", $"*-02~01 {time}"],      // 29, 30: that day, and February's last
            };
        var months = List(c.Months, 12);
        var days = List(c.DaysOfMonth, 31);
        var weekdays = string.Join(',', c.DaysOfWeek.Select(d => WeekdayNames[d]));
        if (!c.AnyDayOfMonth && !c.AnyDayOfWeek) // cron: a day matching either field
            return [$"{weekdays} *-{months}-* {time}", $"*-{months}-{days} {time}"];
        return [c.AnyDayOfWeek || c.DaysOfWeek.Count == 7 ? $"*-{months}-{days} {time}" : $"{weekdays} *-{months}-{days} {time}"];
    }

    private static readonly string[] WeekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    private static string List(IReadOnlyList<int> values, int all) =>
        values.Count == all ? "*" : string.Join(',', values.Select(Two));

    private static string Two(int v) => v.ToString("00", CultureInfo.InvariantCulture);
}

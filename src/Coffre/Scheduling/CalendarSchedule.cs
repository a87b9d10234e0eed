namespace Coffre.Scheduling;

/// <summary>
/// A schedule of wall-clock times on chosen days: <c>daily</c>, <c>weekly</c>, <c>monthly</c> and cron expressions.
/// The fields are sets of allowed values, as in cron; <see cref="CronExpression"/> builds them from text.
/// </summary>
public sealed class CalendarSchedule : Schedule
{
    internal CalendarSchedule(string text, ScheduleForm form) : base(text) => Form = form;

    public ScheduleForm Form { get; }

    /// <summary>Minutes (0-59) of a run, ascending.</summary>
    public required IReadOnlyList<int> Minutes { get; init; }

    /// <summary>Hours (0-23) of a run, ascending.</summary>
    public required IReadOnlyList<int> Hours { get; init; }

    /// <summary>Days of the month (1-31), ascending; every day when <see cref="AnyDayOfMonth"/>.</summary>
    public required IReadOnlyList<int> DaysOfMonth { get; init; }

    /// <summary>Months (1-12), ascending.</summary>
    public required IReadOnlyList<int> Months { get; init; }

    /// <summary>Days of the week (0 Sunday .. 6 Saturday), ascending; every day when <see cref="AnyDayOfWeek"/>.</summary>
    public required IReadOnlyList<int> DaysOfWeek { get; init; }

    /// <summary>The day-of-month field was <c>*</c>. As in cron, when both day fields are restricted a day matching either runs.</summary>
    public bool AnyDayOfMonth { get; init; } = true;

    public bool AnyDayOfWeek { get; init; } = true;

    /// <summary><c>monthly D</c>: the day, or the month's last day in a month that has no day D.</summary>
    public int? MonthlyDay { get; init; }

    internal static readonly IReadOnlyList<int> AllMonths = Enumerable.Range(1, 12).ToArray();
    internal static readonly IReadOnlyList<int> AllDaysOfMonth = Enumerable.Range(1, 31).ToArray();
    internal static readonly IReadOnlyList<int> AllDaysOfWeek = Enumerable.Range(0, 7).ToArray();

    internal static CalendarSchedule Daily(string text, TimeOnly at) => new(text, ScheduleForm.Daily)
    {
        Minutes = [at.Minute], Hours = [at.Hour], DaysOfMonth = AllDaysOfMonth, Months = AllMonths, DaysOfWeek = AllDaysOfWeek,
    };

    internal static CalendarSchedule Weekly(string text, DayOfWeek day, TimeOnly at) => new(text, ScheduleForm.Weekly)
    {
        Minutes = [at.Minute], Hours = [at.Hour], DaysOfMonth = AllDaysOfMonth, Months = AllMonths, DaysOfWeek = [(int)day], AnyDayOfWeek = false,
    };

    internal static CalendarSchedule Monthly(string text, int day, TimeOnly at) => new(text, ScheduleForm.Monthly)
    {
        Minutes = [at.Minute], Hours = [at.Hour], DaysOfMonth = [day], Months = AllMonths, DaysOfWeek = AllDaysOfWeek, AnyDayOfMonth = false, MonthlyDay = day,
    };

    /// <summary>Whether the schedule runs on this (local) day.</summary>
    public bool RunsOn(DateOnly day)
    {
        if (!Months.Contains(day.Month)) return false;
        if (MonthlyDay is { } d) return day.Day == Math.Min(d, DateTime.DaysInMonth(day.Year, day.Month));
        var dom = DaysOfMonth.Contains(day.Day);
        var dow = DaysOfWeek.Contains((int)day.DayOfWeek);
        if (!AnyDayOfMonth && !AnyDayOfWeek) return dom || dow;
        return dom && dow;
    }

    public override DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        // From the day before (a wall time on day D maps to an instant on day D, never earlier), day by day: the
        // wall times of a day map to instants in the same order, so the first one after 'after' is the next run.
        var first = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(after, zone).DateTime).AddDays(-1);
        for (var i = 0; i < SearchDays; i++)
        {
            var day = first.AddDays(i);
            if (!RunsOn(day)) continue;
            foreach (var hour in Hours)
                foreach (var minute in Minutes)
                {
                    var at = WallClock.ToInstant(day.ToDateTime(new TimeOnly(hour, minute)), zone);
                    if (at > after) return at;
                }
        }
        return null;
    }
}

/// <summary>How a schedule was written; the system-scheduler translations use it.</summary>
public enum ScheduleForm
{
    Daily,
    Weekly,
    Monthly,
    Cron,
}

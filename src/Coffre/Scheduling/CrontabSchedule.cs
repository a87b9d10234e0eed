namespace Coffre.Scheduling;

/// <summary>
/// A schedule as crontab(5) time fields. Each entry is the five fields and, when cron cannot say it alone, a shell
/// condition that must hold: <c>monthly 29..31</c> runs on day D, and on the last day of the months that have no day D
/// (a <c>date -d tomorrow</c> test, GNU date).
/// </summary>
public static class CrontabSchedule
{
    public static IReadOnlyList<(string Fields, string? Condition)> Entries(Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule is not CalendarSchedule c) return [("0 * * * *", null)];
        if (c.Form == ScheduleForm.Cron) return [(string.Join(' ', c.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries)), null)];
        var time = $"{c.Minutes[0]} {c.Hours[0]}";
        if (c.Form == ScheduleForm.Daily) return [($"{time} * * *", null)];
        if (c.Form == ScheduleForm.Weekly) return [($"{time} * * {c.DaysOfWeek[0]}", null)];
        var day = c.MonthlyDay!.Value;
        if (day <= 28) return [($"{time} {day} * *", null)];
        // Months shorter than D, on their last day: days 28..D-1 of those months, when tomorrow is the 1st.
        var shortMonths = Enumerable.Range(1, 12).Where(m => m == 2 || (day == 31 && m is 4 or 6 or 9 or 11));
        var lastDays = day == 29 ? "28" : $"28-{day - 1}";
        return
        [
            ($"{time} {day} * *", null),
            ($"{time} {lastDays} {string.Join(',', shortMonths)} *", "[ \"$(date -d tomorrow +\\%d)\" = 01 ]"),
        ];
    }
}

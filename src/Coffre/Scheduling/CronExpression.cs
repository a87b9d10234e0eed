using System.Globalization;

namespace Coffre.Scheduling;

/// <summary>
/// Five-field cron (minute hour day-of-month month day-of-week), as crontab(5) reads it: <c>*</c>, numbers,
/// ranges <c>a-b</c>, steps <c>*/n</c>, <c>a-b/n</c> and <c>a/n</c> (a to the end), lists with commas, names
/// <c>jan</c>..<c>dec</c> and <c>sun</c>..<c>sat</c>; day of week 0 or 7 is Sunday. When both day fields are
/// restricted, a day that matches either runs (cron's rule).
/// </summary>
internal static class CronExpression
{
    private static readonly string[] MonthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    public static CalendarSchedule? TryParse(string text, string[] fields, out string? problem)
    {
        problem = null;
        var minutes = Field(fields[0], 0, 59, null, 0, "minute", ref problem);
        var hours = Field(fields[1], 0, 23, null, 0, "hour", ref problem);
        var dom = Field(fields[2], 1, 31, null, 1, "day of month", ref problem);
        var months = Field(fields[3], 1, 12, MonthNames, 1, "month", ref problem);
        var dow = Field(fields[4], 0, 7, Schedule.DayNames, 0, "day of week", ref problem);
        if (minutes is null || hours is null || dom is null || months is null || dow is null) return null;
        return new CalendarSchedule(text, ScheduleForm.Cron)
        {
            Minutes = minutes,
            Hours = hours,
            DaysOfMonth = dom,
            Months = months,
            DaysOfWeek = dow.Select(d => d % 7).Distinct().Order().ToArray(),
            AnyDayOfMonth = fields[2].StartsWith('*'),
            AnyDayOfWeek = fields[4].StartsWith('*'),
        };
    }

    /// <summary>The field's values, ascending; null (and the reason) when it is not one.</summary>
    private static int[]? Field(string field, int min, int max, string[]? names, int firstName, string what, ref string? problem)
    {
        if (problem is not null) return null;
        var values = new SortedSet<int>();
        foreach (var item in field.Split(','))
        {
            var slash = item.Split('/');
            if (slash.Length > 2) return Fail(ref problem, $"the {what} field \"{field}\" has two steps");
            int step = 1;
            if (slash.Length == 2 && (!int.TryParse(slash[1], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1))
                return Fail(ref problem, $"the {what} field \"{field}\" has a step that is not a positive number");
            int from, to;
            if (slash[0] == "*") (from, to) = (min, max);
            else
            {
                var range = slash[0].Split('-');
                if (range.Length > 2 || Value(range[0], names, firstName) is not { } a) return Fail(ref problem, $"the {what} field \"{field}\" is not understood");
                from = a;
                if (range.Length == 2)
                {
                    if (Value(range[1], names, firstName) is not { } b) return Fail(ref problem, $"the {what} field \"{field}\" is not understood");
                    to = b;
                }
                else to = slash.Length == 2 ? max : a; // "a/n": from a to the end, every n
            }
            if (from < min || to > max) return Fail(ref problem, $"the {what} field \"{field}\" goes outside {min}-{max}");
            if (from > to) return Fail(ref problem, $"the {what} field \"{field}\" has a range that goes backwards");
            for (var v = from; v <= to; v += step) values.Add(v);
        }
        return [.. values];
    }

    private static int? Value(string text, string[]? names, int firstName)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return v;
        var i = names is null ? -1 : Array.IndexOf(names, text.ToLowerInvariant());
        return i < 0 ? null : i + firstName;
    }

    private static int[]? Fail(ref string? problem, string message)
    {
        problem = message;
        return null;
    }
}

using System.Globalization;
using System.Text;

namespace Coffre.Maintenance.Retention;

/// <summary>
/// A calendar duration as restic's <c>--keep-within</c> takes it: years, months, days and hours, written
/// <c>1y2m3d4h</c> (any subset, in any order). Calendar units, not a fixed number of seconds: a month back
/// from March 31 is March 3 (Go's date normalisation), a day back across a DST change may be 23 or 25 hours.
/// </summary>
public readonly record struct RetentionDuration(int Years, int Months, int Days, int Hours)
{
    public bool IsZero => Years == 0 && Months == 0 && Days == 0 && Hours == 0;

    public static RetentionDuration FromDays(int days) => new(0, 0, days, 0);

    /// <summary>Parses <c>1y2m3d4h</c>; a missing or unknown unit, a sign or a unit given twice is an error.</summary>
    public static RetentionDuration Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw Invalid(text, "it is empty");
        int years = 0, months = 0, days = 0, hours = 0;
        var seen = new HashSet<char>();
        var p = 0;
        while (p < text.Length)
        {
            var start = p;
            while (p < text.Length && text[p] is >= '0' and <= '9') p++;
            if (p == start) throw Invalid(text, $"a number is expected at '{text[start..]}'");
            if (!int.TryParse(text.AsSpan(start, p - start), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                throw Invalid(text, $"{text[start..p]} is too large");
            if (p == text.Length) throw Invalid(text, $"no unit after {n}");
            var unit = text[p++];
            if (!seen.Add(unit)) throw Invalid(text, $"the unit '{unit}' is given twice");
            switch (unit)
            {
                case 'y': years = n; break;
                case 'm': months = n; break;
                case 'd': days = n; break;
                case 'h': hours = n; break;
                default: throw Invalid(text, $"unknown unit '{unit}' after {n}");
            }
        }
        return new RetentionDuration(years, months, days, hours);
    }

    private static CoffreException Invalid(string text, string why) =>
        new($"invalid duration '{text}': {why}; write it like 30d or 1y2m3d4h (y years, m months, d days, h hours)");

    /// <summary>restic's form: the non-zero units in the order y, m, d, h (e.g. <c>1y2m3d4h</c>, <c>30d</c>).</summary>
    public override string ToString()
    {
        var s = new StringBuilder();
        if (Years != 0) s.Append(CultureInfo.InvariantCulture, $"{Years}y");
        if (Months != 0) s.Append(CultureInfo.InvariantCulture, $"{Months}m");
        if (Days != 0) s.Append(CultureInfo.InvariantCulture, $"{Days}d");
        if (Hours != 0) s.Append(CultureInfo.InvariantCulture, $"{Hours}h");
        return s.ToString();
    }
}

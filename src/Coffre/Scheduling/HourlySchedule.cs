namespace Coffre.Scheduling;

/// <summary><c>hourly</c>: every :00 of local time (every real hour, also across daylight-saving changes).</summary>
public sealed class HourlySchedule : Schedule
{
    internal HourlySchedule(string text) : base(text) { }

    public override DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        // Minute by minute: offsets are whole quarters of an hour, so this takes at most 60 steps.
        var t = new DateTimeOffset(after.UtcDateTime.Ticks - after.UtcDateTime.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(1);
        while (TimeZoneInfo.ConvertTime(t, zone).Minute != 0) t = t.AddMinutes(1);
        return t;
    }
}

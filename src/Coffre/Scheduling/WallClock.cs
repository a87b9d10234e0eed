namespace Coffre.Scheduling;

/// <summary>Turns a wall-clock time of a time zone into an instant, with the daylight-saving rules of <see cref="Schedule.Next"/>.</summary>
public static class WallClock
{
    /// <summary>
    /// The instant <paramref name="local"/> (its Kind is ignored) names in <paramref name="zone"/>. A time in a
    /// spring-forward gap gives the first valid time after the gap; a time a fall-back repeats gives its first
    /// occurrence (the larger offset).
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // Gaps start and end on whole minutes; the longest real one is a few hours.
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        if (zone.IsAmbiguousTime(local)) return new DateTimeOffset(local, zone.GetAmbiguousTimeOffsets(local).Max());
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}

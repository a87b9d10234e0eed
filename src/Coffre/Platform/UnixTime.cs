namespace Coffre.Platform;

/// <summary>A point in time as the kernel stores it: seconds since the Unix epoch plus nanoseconds (0..999,999,999).</summary>
public readonly record struct UnixTime(long Seconds, int Nanoseconds)
{
    /// <summary>The time as a <see cref="DateTimeOffset"/> (UTC); sub-100ns precision is lost.</summary>
    public DateTimeOffset ToDateTimeOffset()
        => DateTimeOffset.UnixEpoch.AddTicks((Seconds * TimeSpan.TicksPerSecond) + (Nanoseconds / 100));

    /// <summary>Converts a <see cref="DateTimeOffset"/> (100ns precision) to a <see cref="UnixTime"/>.</summary>
    public static UnixTime FromDateTimeOffset(DateTimeOffset value)
    {
        long ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }
        return new UnixTime(seconds, (int)(remainder * 100));
    }

    public override string ToString() => $"{Seconds}.{Nanoseconds:D9}";
}

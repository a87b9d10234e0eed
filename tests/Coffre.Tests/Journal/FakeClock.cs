namespace Coffre.Tests.Journal;

/// <summary>A clock the test sets, in a fixed +02:00 time zone (so local days differ from UTC days).</summary>
internal sealed class FakeClock(DateTimeOffset now) : TimeProvider
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.CreateCustomTimeZone("test+02", TimeSpan.FromHours(2), "test+02", "test+02");

    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();

    public override TimeZoneInfo LocalTimeZone => Zone;

    /// <summary>A local time in the clock's zone.</summary>
    public static DateTimeOffset At(int year, int month, int day, int hour = 12, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.FromHours(2));
}

namespace Coffre.Application;

/// <summary>The name the old backup script gave its archives, and <c>coffre list</c> shows: YYYYMMDD_HHMMSS in local time (see <see cref="Repository.SnapshotResolver"/>).</summary>
public static class BackupStamp
{
    /// <summary>The stamp of <paramref name="time"/> in <paramref name="zone"/> (default: this machine's time zone).</summary>
    public static string Format(DateTimeOffset time, TimeZoneInfo? zone = null) => Repository.SnapshotResolver.Stamp(time, zone);

    public static bool IsStamp(string text) => Repository.SnapshotResolver.IsStamp(text);
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Coffre.Jobs;

/// <summary>The name the old backup script gave its archives, and <c>coffre list</c> shows: YYYYMMDD_HHMMSS in local time.</summary>
public static partial class BackupStamp
{
    private const string StampFormat = "yyyyMMdd_HHmmss";

    /// <summary>The stamp of <paramref name="time"/> in <paramref name="zone"/> (default: this machine's time zone).</summary>
    public static string Format(DateTimeOffset time, TimeZoneInfo? zone = null) =>
        TimeZoneInfo.ConvertTime(time, zone ?? TimeZoneInfo.Local).ToString(StampFormat, CultureInfo.InvariantCulture);

    public static bool IsStamp(string text) => StampPattern().IsMatch(text);

    [GeneratedRegex(@"^\d{8}_\d{6}$")]
    private static partial Regex StampPattern();
}

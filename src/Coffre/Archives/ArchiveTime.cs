using System.Globalization;
using System.Text.RegularExpressions;
using Coffre.Application;

namespace Coffre.Archives;

/// <summary>
/// The old script's ways of writing a time, all in local time without an offset: <c>20260129_093829</c> (the
/// <c>timestamp</c> field and the file name) and Python's <c>isoformat()</c>, <c>2026-01-29T09:38:33.420423</c>
/// (the <c>datetime</c> field).
/// </summary>
public static partial class ArchiveTime
{
    private const string StampFormat = "yyyyMMdd_HHmmss";

    /// <summary><c>YYYYMMDD_HHMMSS</c> of <paramref name="time"/> in <paramref name="zone"/> (what <c>coffre list</c> shows).</summary>
    public static string Stamp(DateTimeOffset time, TimeZoneInfo zone) => BackupStamp.Format(time, zone);

    /// <summary>Python's <c>datetime.isoformat(timespec="microseconds")</c> of the local time: no offset, always 6 digits.</summary>
    public static string Iso(DateTimeOffset time, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(time, zone).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    /// <summary>Reads <c>YYYYMMDD_HHMMSS</c> as a local time of <paramref name="zone"/>.</summary>
    public static bool TryParseStamp(string? text, TimeZoneInfo zone, out DateTimeOffset time)
    {
        time = default;
        if (!DateTime.TryParseExact(text, StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return false;
        time = InZone(local, zone);
        return true;
    }

    /// <summary>
    /// Reads what Python's <c>isoformat()</c> writes: <c>YYYY-MM-DDTHH:MM:SS</c>, an optional fraction, and an optional
    /// offset. Without an offset the time is local to <paramref name="zone"/>.
    /// </summary>
    public static bool TryParseIso(string? text, TimeZoneInfo zone, out DateTimeOffset time)
    {
        time = default;
        var match = text is null ? null : IsoPattern().Match(text);
        if (match is null || !match.Success) return false;
        if (match.Groups[2].Success) return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return false;
        time = InZone(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
        return true;
    }

    /// <summary>The <c>YYYYMMDD_HHMMSS</c> in a file name such as <c>backup_complet_shop_20260129_093829.tar.gz</c>.</summary>
    public static bool TryParseFileName(string fileName, TimeZoneInfo zone, out DateTimeOffset time)
    {
        time = default;
        var matches = FileNamePattern().Matches(fileName);
        return matches.Count > 0 && TryParseStamp(matches[^1].Groups[1].Value, zone, out time);
    }

    /// <summary>A wall-clock time of <paramref name="zone"/> as an instant (a time skipped by a DST change gets the standard offset).</summary>
    public static DateTimeOffset InZone(DateTime local, TimeZoneInfo zone) =>
        new(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone.GetUtcOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified)));

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?$")]
    private static partial Regex IsoPattern();

    [GeneratedRegex(@"(?<![0-9])(\d{8}_\d{6})(?![0-9])")]
    private static partial Regex FileNamePattern();
}

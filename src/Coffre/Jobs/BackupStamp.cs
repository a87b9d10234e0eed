using System.Globalization;
using System.Text.RegularExpressions;

namespace Coffre.Jobs;

/// <summary>The name the old backup script gave its archives, and <c>coffre list</c> shows: YYYYMMDD_HHMMSS in local time.</summary>
public static partial class BackupStamp
{
    public static string Format(DateTimeOffset time) => time.ToLocalTime().ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);

    public static bool IsStamp(string text) => StampPattern().IsMatch(text);

    [GeneratedRegex(@"^\d{8}_\d{6}$")]
    private static partial Regex StampPattern();
}

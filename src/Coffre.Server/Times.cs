using System.Globalization;

namespace Coffre.Server;

/// <summary>
/// Every time a page shows: the service's local time with its offset from UTC, in a &lt;time&gt; element carrying the
/// exact instant. Not HTML-encoded: made of digits, '-', ':', '+', '.', 'T', spaces and "UTC" only (the encoder would write + as &amp;#x2B;).
/// </summary>
internal static class Times
{
    public static string When(DateTimeOffset? t) => t is { } v
        ? $"<time datetime=\"{v.ToString("O", CultureInfo.InvariantCulture)}\">{v.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'zzz", CultureInfo.InvariantCulture)}</time>"
        : "never";

    /// <summary>A day and minute with the offset (a file's modification time).</summary>
    public static string Minute(DateTimeOffset t) => t.ToLocalTime().ToString("yyyy-MM-dd HH:mm 'UTC'zzz", CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace Coffre.Maintenance;

/// <summary>Byte counts as people write them: 1024-based units, as restic's options take them.</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>"512 B", "3.20 MiB".</summary>
    public static string Format(double bytes)
    {
        var i = 0;
        while (Math.Abs(bytes) >= 1024 && i < Units.Length - 1)
        {
            bytes /= 1024;
            i++;
        }
        return i == 0 ? $"{bytes:0} B" : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.00} {Units[i]}");
    }

    /// <summary>
    /// Parses a size: a whole number of bytes, optionally followed by k, m, g or t (any case, powers of 1024),
    /// which may be spelled out as KiB, MB… ("200M", "1g", "512k", "4096"). Null when it is not a size.
    /// </summary>
    public static long? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        var end = s.Length;
        if (end > 0 && (s[end - 1] is 'B' or 'b')) end--;
        if (end > 0 && s[end - 1] is 'i' && end >= 2 && char.IsAsciiLetter(s[end - 2])) end--;
        var shift = 0;
        if (end > 0 && char.IsAsciiLetter(s[end - 1]))
        {
            shift = char.ToLowerInvariant(s[end - 1]) switch { 'k' => 10, 'm' => 20, 'g' => 30, 't' => 40, _ => -1 };
            if (shift < 0) return null;
            end--;
        }
        if (!long.TryParse(s.AsSpan(0, end), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
        return n > long.MaxValue >> shift ? null : n << shift;
    }
}

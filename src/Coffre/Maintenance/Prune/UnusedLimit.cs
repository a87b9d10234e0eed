using System.Globalization;

namespace Coffre.Maintenance.Prune;

/// <summary>
/// How much unused data may stay in the repository after a prune: a share of the whole ("5%"), a size
/// ("100M") or "unlimited". A share p means unused / (used + unused) &lt;= p, as in restic.
/// </summary>
public sealed record UnusedLimit
{
    private readonly double? _percent;
    private readonly long? _bytes;

    private UnusedLimit(double? percent, long? bytes)
    {
        _percent = percent;
        _bytes = bytes;
    }

    public static readonly UnusedLimit Unlimited = new(null, null);

    public static UnusedLimit Percent(double p) =>
        p is >= 0 and < 100 ? new(p, null) : throw new ArgumentOutOfRangeException(nameof(p), "a share between 0 and 100 (excluded)");

    public static UnusedLimit Bytes(long n) => n >= 0 ? new(null, n) : throw new ArgumentOutOfRangeException(nameof(n));

    /// <summary>Unused bytes tolerated when <paramref name="usedBytes"/> stay.</summary>
    public long AllowedFor(long usedBytes) => (_percent, _bytes) switch
    {
        ({ } p, _) => (long)(p / (100 - p) * usedBytes),
        (_, { } b) => b,
        _ => long.MaxValue,
    };

    /// <summary>Parses "5%", "100M", "unlimited"; null when the text is none of these.</summary>
    public static UnusedLimit? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        if (s == "unlimited") return Unlimited;
        if (s.EndsWith('%'))
            return double.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= 0 and < 100
                ? Percent(p) : null;
        return ByteSize.Parse(s) is { } n ? Bytes(n) : null;
    }

    public override string ToString() => (_percent, _bytes) switch
    {
        ({ } p, _) => string.Create(CultureInfo.InvariantCulture, $"{p}%"),
        (_, { } b) => ByteSize.Format(b),
        _ => "unlimited",
    };
}

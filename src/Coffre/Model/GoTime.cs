using System.Text;

namespace Coffre.Model;

/// <summary>
/// An instant with nanosecond precision plus the UTC offset it is shown in: the information a Go
/// <c>time.Time</c> carries through restic's JSON. .NET's <see cref="DateTimeOffset"/> only has 100 ns
/// resolution, so this type keeps the exact values to round-trip restic's timestamps byte-for-byte.
/// </summary>
/// <param name="UnixSeconds">Seconds since 1970-01-01T00:00:00Z.</param>
/// <param name="Nanoseconds">Nanoseconds within the second, 0..999 999 999.</param>
/// <param name="OffsetSeconds">UTC offset of the representation (east positive).</param>
public readonly record struct GoTime(long UnixSeconds, int Nanoseconds, int OffsetSeconds)
{
    /// <summary>Go's zero time, <c>0001-01-01T00:00:00Z</c>.</summary>
    public static readonly GoTime Zero = new(-62135596800, 0, 0);

    /// <summary>Longest output of <see cref="ToRfc3339Nano"/>: <c>9999-12-31T23:59:59.999999999+23:59</c>.</summary>
    internal const int MaxFormattedLength = 35;

    private const long SecondsPerDay = 86400;
    private const long UnixEpochTicks = 621355968000000000; // DateTime ticks of 1970-01-01

    public bool IsZero => this == Zero;

    /// <summary>Builds a time from seconds and a possibly out-of-range nanosecond count (normalised like Go's <c>time.Unix</c>).</summary>
    public static GoTime FromUnix(long sec, long nsec, int offsetSeconds)
    {
        if (nsec < 0 || nsec >= 1_000_000_000)
        {
            var q = nsec / 1_000_000_000;
            nsec -= q * 1_000_000_000;
            sec += q;
            if (nsec < 0)
            {
                nsec += 1_000_000_000;
                sec--;
            }
        }
        return new GoTime(sec, (int)nsec, offsetSeconds);
    }

    public static GoTime FromDateTimeOffset(DateTimeOffset t)
    {
        var ticks = t.UtcTicks - UnixEpochTicks;
        var sec = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rem);
        if (rem < 0)
        {
            rem += TimeSpan.TicksPerSecond;
            sec--;
        }
        return new GoTime(sec, (int)(rem * 100), (int)(t.Offset.Ticks / TimeSpan.TicksPerSecond));
    }

    /// <summary>The current time in the local time zone.</summary>
    public static GoTime Now()
    {
        var utc = FromDateTimeOffset(DateTimeOffset.UtcNow);
        return utc with { OffsetSeconds = LocalOffsetSeconds(utc.UnixSeconds) };
    }

    /// <summary>The local time zone's UTC offset (seconds) at the given instant.</summary>
    public static int LocalOffsetSeconds(long unixSeconds)
    {
        var clamped = Math.Clamp(unixSeconds, -62135596800 + SecondsPerDay, 253402300799 - SecondsPerDay);
        var offset = TimeZoneInfo.Local.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(clamped));
        return (int)(offset.Ticks / TimeSpan.TicksPerSecond);
    }

    /// <summary>
    /// Converts to a <see cref="DateTimeOffset"/> (truncated to 100 ns). Instants outside its range are
    /// clamped to <see cref="DateTimeOffset.MinValue"/>/<see cref="DateTimeOffset.MaxValue"/>; the offset is
    /// truncated to whole minutes and dropped (UTC) when it cannot be represented.
    /// </summary>
    public DateTimeOffset ToDateTimeOffset()
    {
        const long minSec = -62135596800, maxSec = 253402300799;
        if (UnixSeconds < minSec) return DateTimeOffset.MinValue;
        if (UnixSeconds > maxSec) return DateTimeOffset.MaxValue;
        var utcTicks = UnixEpochTicks + UnixSeconds * TimeSpan.TicksPerSecond + Nanoseconds / 100;
        var utc = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        var offsetTicks = OffsetSeconds / 60 * TimeSpan.TicksPerMinute;
        if (offsetTicks == 0 || Math.Abs(offsetTicks) > 14 * TimeSpan.TicksPerHour) return utc;
        var local = utcTicks + offsetTicks;
        if (local < DateTime.MinValue.Ticks || local > DateTime.MaxValue.Ticks) return utc;
        return utc.ToOffset(new TimeSpan(offsetTicks));
    }

    /// <summary>
    /// Go's <c>time.RFC3339Nano</c> as written by <c>time.Time.MarshalJSON</c> (after restic's <c>FixTime</c>):
    /// trailing zeros of the fraction trimmed (no dot when 0), <c>Z</c> for offset 0 else <c>±hh:mm</c>,
    /// year clamped into 0..9999.
    /// </summary>
    public string ToRfc3339Nano()
    {
        Span<byte> buf = stackalloc byte[MaxFormattedLength];
        var n = FormatUtf8(buf);
        return Encoding.ASCII.GetString(buf[..n]);
    }

    public override string ToString() => ToRfc3339Nano();

    /// <summary>Formats like <see cref="ToRfc3339Nano"/> into <paramref name="dest"/> (at least 35 bytes); returns the length.</summary>
    internal int FormatUtf8(Span<byte> dest)
    {
        // Local wall-clock time: days since the epoch plus seconds within the day.
        var days = FloorDiv(UnixSeconds, SecondsPerDay);
        var secOfDay = UnixSeconds - days * SecondsPerDay + OffsetSeconds;
        days += FloorDiv(secOfDay, SecondsPerDay);
        secOfDay -= FloorDiv(secOfDay, SecondsPerDay) * SecondsPerDay;

        CivilFromDays(days, out var year, out var month, out var day);
        // restic's FixTime: move the year into 0..9999 (AddDate normalises Feb 29 of a non-leap year to Mar 1).
        if (year < 0 || year > 9999)
        {
            year = year < 0 ? 0 : 9999;
            if (month == 2 && day == 29 && !IsLeap(year))
            {
                month = 3;
                day = 1;
            }
        }

        var p = 0;
        Digits(dest, ref p, year, 4);
        dest[p++] = (byte)'-';
        Digits(dest, ref p, month, 2);
        dest[p++] = (byte)'-';
        Digits(dest, ref p, day, 2);
        dest[p++] = (byte)'T';
        Digits(dest, ref p, secOfDay / 3600, 2);
        dest[p++] = (byte)':';
        Digits(dest, ref p, secOfDay / 60 % 60, 2);
        dest[p++] = (byte)':';
        Digits(dest, ref p, secOfDay % 60, 2);
        if (Nanoseconds != 0)
        {
            dest[p++] = (byte)'.';
            var ns = Nanoseconds;
            var width = 9;
            while (ns % 10 == 0)
            {
                ns /= 10;
                width--;
            }
            Digits(dest, ref p, ns, width);
        }
        if (OffsetSeconds == 0)
        {
            dest[p++] = (byte)'Z';
        }
        else
        {
            var zone = OffsetSeconds / 60; // Go drops the seconds of the offset
            if (zone < 0)
            {
                dest[p++] = (byte)'-';
                zone = -zone;
            }
            else
            {
                dest[p++] = (byte)'+';
            }
            Digits(dest, ref p, zone / 60 % 100, 2);
            dest[p++] = (byte)':';
            Digits(dest, ref p, zone % 60, 2);
        }
        return p;
    }

    public static GoTime Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!TryParse(Encoding.UTF8.GetBytes(s), out var t)) throw new FormatException($"invalid RFC 3339 time '{s}'");
        return t;
    }

    public static GoTime Parse(ReadOnlySpan<byte> utf8)
    {
        if (!TryParse(utf8, out var t)) throw new FormatException($"invalid RFC 3339 time '{Encoding.UTF8.GetString(utf8)}'");
        return t;
    }

    public static bool TryParse(string? s, out GoTime time)
    {
        time = default;
        return s != null && TryParse(Encoding.UTF8.GetBytes(s), out time);
    }

    /// <summary>Parses <c>YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)</c>; any fraction length (digits after the 9th are ignored).</summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out GoTime time)
    {
        time = default;
        if (s.Length < 20) return false;
        if (!Num(s, 0, 4, out var year) || s[4] != '-' || !Num(s, 5, 2, out var month) || s[7] != '-' ||
            !Num(s, 8, 2, out var day) || (s[10] != 'T' && s[10] != 't') || !Num(s, 11, 2, out var hour) ||
            s[13] != ':' || !Num(s, 14, 2, out var minute) || s[16] != ':' || !Num(s, 17, 2, out var second))
            return false;
        if (month < 1 || month > 12 || day < 1 || day > DaysIn(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        var p = 19;
        long nanos = 0;
        if (s[p] == '.' || s[p] == ',')
        {
            p++;
            var digits = 0;
            while (p < s.Length && s[p] >= '0' && s[p] <= '9')
            {
                if (digits < 9) nanos = nanos * 10 + (s[p] - '0');
                digits++;
                p++;
            }
            if (digits == 0) return false;
            for (var i = digits; i < 9; i++) nanos *= 10;
        }
        if (p >= s.Length) return false;
        int offset;
        if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == s.Length)
        {
            offset = 0;
        }
        else if ((s[p] == '+' || s[p] == '-') && p + 6 == s.Length && s[p + 3] == ':' &&
                 Num(s, p + 1, 2, out var oh) && Num(s, p + 4, 2, out var om) && oh < 24 && om < 60)
        {
            offset = (oh * 60 + om) * 60;
            if (s[p] == '-') offset = -offset;
        }
        else
        {
            return false;
        }
        var unix = DaysFromCivil(year, month, day) * SecondsPerDay + hour * 3600 + minute * 60 + second - offset;
        time = new GoTime(unix, (int)nanos, offset);
        return true;
    }

    private static bool Num(ReadOnlySpan<byte> s, int start, int len, out int value)
    {
        value = 0;
        for (var i = start; i < start + len; i++)
        {
            var c = s[i];
            if (c < '0' || c > '9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    private static void Digits(Span<byte> dest, ref int p, long value, int width)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            dest[p + i] = (byte)('0' + value % 10);
            value /= 10;
        }
        p += width;
    }

    internal static long FloorDiv(long a, long b)
    {
        var q = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
    }

    private static bool IsLeap(long y) => y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);

    private static int DaysIn(int year, int month) => month switch
    {
        2 => IsLeap(year) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    // Howard Hinnant's civil-date algorithms (proleptic Gregorian, any year).
    internal static long DaysFromCivil(long y, int m, int d)
    {
        y -= m <= 2 ? 1 : 0;
        var era = FloorDiv(y, 400);
        var yoe = y - era * 400;
        var doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        var doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    internal static void CivilFromDays(long z, out long year, out int month, out int day)
    {
        z += 719468;
        var era = FloorDiv(z, 146097);
        var doe = z - era * 146097;
        var yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        var doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        var mp = (5 * doy + 2) / 153;
        day = (int)(doy - (153 * mp + 2) / 5 + 1);
        month = (int)(mp < 10 ? mp + 3 : mp - 9);
        year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    }
}

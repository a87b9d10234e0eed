using System.Globalization;
using System.Text;

namespace Coffre.Repository.Keys;

/// <summary>
/// Go's time.Time JSON text (RFC 3339 with up to 9 fraction digits, trailing zeros trimmed). DateTimeOffset keeps 100 ns ticks,
/// so the remaining 0..99 ns travel separately to re-serialise restic's nanosecond timestamps byte for byte.
/// </summary>
internal static class GoTimeText
{
    public static void Append(StringBuilder sb, DateTimeOffset time, int subTickNanoseconds)
    {
        if ((uint)subTickNanoseconds > 99) throw new ArgumentOutOfRangeException(nameof(subTickNanoseconds), "must be 0..99");
        sb.Append(time.DateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        long nanos = time.Ticks % TimeSpan.TicksPerSecond * 100 + subTickNanoseconds;
        if (nanos != 0) sb.Append('.').Append(nanos.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0'));
        if (time.Offset == TimeSpan.Zero)
        {
            sb.Append('Z');
        }
        else
        {
            var off = time.Offset.Duration();
            sb.Append(time.Offset < TimeSpan.Zero ? '-' : '+').Append(off.Hours.ToString("D2", CultureInfo.InvariantCulture))
              .Append(':').Append(off.Minutes.ToString("D2", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Parses <c>yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)</c>; fraction digits beyond 9 are truncated like Go.</summary>
    public static bool TryParse(string s, out DateTimeOffset time, out int subTickNanoseconds)
    {
        time = default;
        subTickNanoseconds = 0;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') return false;
        if (!Digits(s, 0, 4, out int year) || !Digits(s, 5, 2, out int month) || !Digits(s, 8, 2, out int day) ||
            !Digits(s, 11, 2, out int hour) || !Digits(s, 14, 2, out int minute) || !Digits(s, 17, 2, out int second)) return false;

        int i = 19;
        long nanos = 0;
        if (s[i] == '.')
        {
            int start = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            int count = i - start;
            if (count == 0) return false;
            for (int k = 0; k < 9; k++) nanos = nanos * 10 + (k < count ? s[start + k] - '0' : 0);
        }

        TimeSpan offset;
        if (i == s.Length - 1 && (s[i] == 'Z' || s[i] == 'z'))
        {
            offset = TimeSpan.Zero;
        }
        else if (i == s.Length - 6 && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':' &&
                 Digits(s, i + 1, 2, out int oh) && Digits(s, i + 4, 2, out int om) && oh < 24 && om < 60)
        {
            offset = new TimeSpan(oh, om, 0);
            if (s[i] == '-') offset = -offset;
        }
        else
        {
            return false;
        }

        try
        {
            time = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(nanos / 100);
        }
        catch (ArgumentException)
        {
            return false;
        }
        subTickNanoseconds = (int)(nanos % 100);
        return true;
    }

    private static bool Digits(string s, int start, int count, out int value)
    {
        value = 0;
        for (int k = start; k < start + count; k++)
        {
            if (!char.IsAsciiDigit(s[k])) return false;
            value = value * 10 + (s[k] - '0');
        }
        return true;
    }
}

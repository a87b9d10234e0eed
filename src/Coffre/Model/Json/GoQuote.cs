using System.Buffers;
using System.Globalization;
using System.Text;

namespace Coffre.Model.Json;

/// <summary>
/// Go's <c>strconv.Quote</c> (without the surrounding quotes) and <c>strconv.Unquote</c> on raw bytes:
/// how restic stores file names, which on Linux need not be valid UTF-8.
/// </summary>
public static class GoQuote
{
    private static ReadOnlySpan<byte> LowerHex => "0123456789abcdef"u8;

    /// <summary>The inner text of Go's <c>strconv.Quote(string(rawName))</c>, as UTF-8 bytes.</summary>
    public static byte[] Quote(ReadOnlySpan<byte> rawName)
    {
        var w = new ArrayBufferWriter<byte>(rawName.Length + 8);
        AppendQuoted(w, rawName);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>Same as <see cref="Quote"/>, as a string.</summary>
    public static string QuoteToString(ReadOnlySpan<byte> rawName)
    {
        var w = new ArrayBufferWriter<byte>(rawName.Length + 8);
        AppendQuoted(w, rawName);
        return Encoding.UTF8.GetString(w.WrittenSpan);
    }

    /// <summary>Appends the quoted form (always valid UTF-8) to <paramref name="output"/>.</summary>
    public static void AppendQuoted(IBufferWriter<byte> output, ReadOnlySpan<byte> s)
    {
        ArgumentNullException.ThrowIfNull(output);
        var i = 0;
        var start = 0;
        while (i < s.Length)
        {
            int r, width;
            if (s[i] < 0x80)
            {
                r = s[i];
                width = 1;
            }
            else
            {
                r = GoUtf8.DecodeRune(s[i..], out width);
                if (width == 1)
                {
                    // invalid UTF-8 byte
                    Write(output, s[start..i]);
                    Hex2(output, (byte)'x', s[i]);
                    i++;
                    start = i;
                    continue;
                }
            }
            if (r != '"' && r != '\\' && IsPrint(r))
            {
                i += width;
                continue;
            }
            Write(output, s[start..i]);
            AppendEscapedRune(output, r);
            i += width;
            start = i;
        }
        Write(output, s[start..]);
    }

    /// <summary>
    /// Go's <c>strconv.IsPrint</c>: letters, marks, numbers, punctuation, symbols (Unicode 15.0.0, as in Go 1.21+)
    /// and U+0020.
    /// </summary>
    public static bool IsPrint(int rune)
    {
        if (rune <= 0xFF)
        {
            if (rune >= 0x20 && rune <= 0x7E) return true;
            if (rune >= 0xA1 && rune <= 0xFF) return rune != 0xAD;
            return false;
        }
        if (rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) return false;
        if (AssignedAfterUnicode15(rune)) return false;
        switch (CharUnicodeInfo.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.UppercaseLetter:
            case UnicodeCategory.LowercaseLetter:
            case UnicodeCategory.TitlecaseLetter:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.OtherLetter:
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.SpacingCombiningMark:
            case UnicodeCategory.EnclosingMark:
            case UnicodeCategory.DecimalDigitNumber:
            case UnicodeCategory.LetterNumber:
            case UnicodeCategory.OtherNumber:
            case UnicodeCategory.ConnectorPunctuation:
            case UnicodeCategory.DashPunctuation:
            case UnicodeCategory.OpenPunctuation:
            case UnicodeCategory.ClosePunctuation:
            case UnicodeCategory.InitialQuotePunctuation:
            case UnicodeCategory.FinalQuotePunctuation:
            case UnicodeCategory.OtherPunctuation:
            case UnicodeCategory.MathSymbol:
            case UnicodeCategory.CurrencySymbol:
            case UnicodeCategory.ModifierSymbol:
            case UnicodeCategory.OtherSymbol:
                return true;
            default:
                return false;
        }
    }

    // Go's unicode tables are Unicode 15.0.0 (Go 1.21 and later); .NET 10 knows Unicode 16.0. These inclusive
    // ranges are the code points that .NET classifies as printable but that Unicode 15.0 leaves unassigned
    // (so Go escapes them). Computed by comparing .NET 10's CharUnicodeInfo with Unicode 15.0.0 data; the
    // two agree on every other code point. Revisit when either side updates its Unicode version.
    private static ReadOnlySpan<int> NewSinceUnicode15 =>
    [
        0x0897, 0x0897, 0x1B4E, 0x1B4F, 0x1B7F, 0x1B7F, 0x1C89, 0x1C8A, 0x2427, 0x2429, 0x2FFC, 0x2FFF,
        0x31E4, 0x31E5, 0x31EF, 0x31EF, 0xA7CB, 0xA7CD, 0xA7DA, 0xA7DC, 0x105C0, 0x105F3, 0x10D40, 0x10D65,
        0x10D69, 0x10D85, 0x10D8E, 0x10D8F, 0x10EC2, 0x10EC4, 0x10EFC, 0x10EFC, 0x11380, 0x11389, 0x1138B, 0x1138B,
        0x1138E, 0x1138E, 0x11390, 0x113B5, 0x113B7, 0x113C0, 0x113C2, 0x113C2, 0x113C5, 0x113C5, 0x113C7, 0x113CA,
        0x113CC, 0x113D5, 0x113D7, 0x113D8, 0x113E1, 0x113E2, 0x116D0, 0x116E3, 0x11BC0, 0x11BE1, 0x11BF0, 0x11BF9,
        0x11F5A, 0x11F5A, 0x13460, 0x143FA, 0x16100, 0x16139, 0x16D40, 0x16D79, 0x18CFF, 0x18CFF, 0x1CC00, 0x1CCF9,
        0x1CD00, 0x1CEB3, 0x1E5D0, 0x1E5FA, 0x1E5FF, 0x1E5FF, 0x1F8B2, 0x1F8BB, 0x1F8C0, 0x1F8C1, 0x1FA89, 0x1FA89,
        0x1FA8F, 0x1FA8F, 0x1FABE, 0x1FABE, 0x1FAC6, 0x1FAC6, 0x1FADC, 0x1FADC, 0x1FADF, 0x1FADF, 0x1FAE9, 0x1FAE9,
        0x1FBCB, 0x1FBEF, 0x2EBF0, 0x2EE5D
    ];

    private static bool AssignedAfterUnicode15(int rune)
    {
        var ranges = NewSinceUnicode15;
        if (rune < ranges[0] || rune > ranges[^1]) return false;
        int lo = 0, hi = ranges.Length / 2 - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (rune < ranges[2 * mid]) hi = mid - 1;
            else if (rune > ranges[2 * mid + 1]) lo = mid + 1;
            else return true;
        }
        return false;
    }

    private static void AppendEscapedRune(IBufferWriter<byte> output, int r)
    {
        switch (r)
        {
            case '"': Write(output, "\\\""u8); return;
            case '\\': Write(output, "\\\\"u8); return;
            case '\a': Write(output, "\\a"u8); return;
            case '\b': Write(output, "\\b"u8); return;
            case '\f': Write(output, "\\f"u8); return;
            case '\n': Write(output, "\\n"u8); return;
            case '\r': Write(output, "\\r"u8); return;
            case '\t': Write(output, "\\t"u8); return;
            case '\v': Write(output, "\\v"u8); return;
        }
        if (r < ' ' || r == 0x7F)
        {
            Hex2(output, (byte)'x', (byte)r);
        }
        else if (r < 0x10000)
        {
            var span = output.GetSpan(6);
            span[0] = (byte)'\\';
            span[1] = (byte)'u';
            for (var k = 0; k < 4; k++) span[2 + k] = LowerHex[(r >> (12 - 4 * k)) & 0xF];
            output.Advance(6);
        }
        else
        {
            var span = output.GetSpan(10);
            span[0] = (byte)'\\';
            span[1] = (byte)'U';
            for (var k = 0; k < 8; k++) span[2 + k] = LowerHex[(r >> (28 - 4 * k)) & 0xF];
            output.Advance(10);
        }
    }

    /// <summary>
    /// Go's <c>strconv.Unquote</c> applied to <c>"\"" + quoted + "\""</c>: resolves <c>\a \b \f \n \r \t \v \\ \" \'</c>,
    /// <c>\xNN</c> (a raw byte), <c>\NNN</c> (octal byte), <c>\uNNNN</c> and <c>\UNNNNNNNN</c> (UTF-8 of the rune).
    /// Other bytes are copied unchanged. Throws <see cref="FormatException"/> on a malformed escape.
    /// </summary>
    public static byte[] Unquote(string quoted)
    {
        ArgumentNullException.ThrowIfNull(quoted);
        return Unquote(Encoding.UTF8.GetBytes(quoted));
    }

    /// <summary>Same as <see cref="Unquote(string)"/> on UTF-8 input.</summary>
    public static byte[] Unquote(ReadOnlySpan<byte> s)
    {
        if (s.IndexOf((byte)'\\') < 0) return s.ToArray();
        var result = new byte[s.Length]; // unquoting never makes text longer
        var n = 0;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c != '\\')
            {
                result[n++] = c;
                i++;
                continue;
            }
            if (i + 1 >= s.Length) throw Bad("trailing backslash");
            c = s[i + 1];
            i += 2;
            switch (c)
            {
                case (byte)'a': result[n++] = 0x07; break;
                case (byte)'b': result[n++] = 0x08; break;
                case (byte)'f': result[n++] = 0x0C; break;
                case (byte)'n': result[n++] = 0x0A; break;
                case (byte)'r': result[n++] = 0x0D; break;
                case (byte)'t': result[n++] = 0x09; break;
                case (byte)'v': result[n++] = 0x0B; break;
                case (byte)'\\':
                case (byte)'"':
                case (byte)'\'':
                    result[n++] = c;
                    break;
                case (byte)'x':
                    result[n++] = (byte)ParseHex(s, ref i, 2);
                    break;
                case (byte)'u':
                case (byte)'U':
                {
                    var r = ParseHex(s, ref i, c == 'u' ? 4 : 8);
                    if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) throw Bad($"invalid rune U+{r:X}");
                    n += GoUtf8.EncodeRune((int)r, result.AsSpan(n));
                    break;
                }
                case >= (byte)'0' and <= (byte)'7':
                {
                    if (i + 2 > s.Length) throw Bad("short octal escape");
                    var v = c - '0';
                    for (var k = 0; k < 2; k++)
                    {
                        var d = s[i++] - '0';
                        if (d < 0 || d > 7) throw Bad("invalid octal escape");
                        v = (v << 3) | d;
                    }
                    if (v > 255) throw Bad("octal escape above \\377");
                    result[n++] = (byte)v;
                    break;
                }
                default:
                    throw Bad($"unknown escape '\\{(char)c}'");
            }
        }
        return result.AsSpan(0, n).ToArray();
    }

    private static long ParseHex(ReadOnlySpan<byte> s, ref int i, int digits)
    {
        if (i + digits > s.Length) throw Bad("short hex escape");
        long v = 0;
        for (var k = 0; k < digits; k++)
        {
            var c = s[i++];
            int d = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => throw Bad("invalid hex escape"),
            };
            v = (v << 4) | (uint)d;
        }
        return v;
    }

    private static FormatException Bad(string what) => new($"invalid Go-quoted string: {what}");

    private static void Hex2(IBufferWriter<byte> output, byte kind, byte b)
    {
        var span = output.GetSpan(4);
        span[0] = (byte)'\\';
        span[1] = kind;
        span[2] = LowerHex[b >> 4];
        span[3] = LowerHex[b & 0xF];
        output.Advance(4);
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}

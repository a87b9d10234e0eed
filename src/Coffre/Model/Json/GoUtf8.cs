namespace Coffre.Model.Json;

/// <summary>
/// UTF-8 decoding with Go's <c>utf8.DecodeRune</c> semantics: every invalid sequence consumes exactly one
/// byte (unlike .NET's "maximal subpart" rule), surrogates and overlong forms are invalid.
/// </summary>
internal static class GoUtf8
{
    public const int RuneError = 0xFFFD;

    /// <summary>Decodes the first rune of <paramref name="s"/> (non-empty). Returns <c>(0xFFFD, 1)</c> on invalid input.</summary>
    public static int DecodeRune(ReadOnlySpan<byte> s, out int size)
    {
        int b0 = s[0];
        if (b0 < 0x80)
        {
            size = 1;
            return b0;
        }
        size = 1;
        if (b0 < 0xC2 || b0 > 0xF4) return RuneError;
        if (b0 < 0xE0)
        {
            if (s.Length < 2 || !IsCont(s[1])) return RuneError;
            size = 2;
            return ((b0 & 0x1F) << 6) | (s[1] & 0x3F);
        }
        if (s.Length < 2) return RuneError;
        int b1 = s[1];
        int lo = 0x80, hi = 0xBF;
        if (b0 == 0xE0) lo = 0xA0;
        else if (b0 == 0xED) hi = 0x9F;
        else if (b0 == 0xF0) lo = 0x90;
        else if (b0 == 0xF4) hi = 0x8F;
        if (b1 < lo || b1 > hi) return RuneError;
        if (s.Length < 3 || !IsCont(s[2])) return RuneError;
        if (b0 < 0xF0)
        {
            size = 3;
            return ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (s[2] & 0x3F);
        }
        if (s.Length < 4 || !IsCont(s[3])) return RuneError;
        size = 4;
        return ((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    }

    /// <summary>True if <paramref name="s"/> is valid UTF-8 by Go's rules (same as .NET's strict validation).</summary>
    public static bool IsValid(ReadOnlySpan<byte> s) => System.Text.Unicode.Utf8.IsValid(s);

    /// <summary>Encodes a valid rune as UTF-8 into <paramref name="dest"/> (at least 4 bytes); returns the byte count.</summary>
    public static int EncodeRune(int r, Span<byte> dest)
    {
        if (r < 0x80)
        {
            dest[0] = (byte)r;
            return 1;
        }
        if (r < 0x800)
        {
            dest[0] = (byte)(0xC0 | (r >> 6));
            dest[1] = (byte)(0x80 | (r & 0x3F));
            return 2;
        }
        if (r < 0x10000)
        {
            dest[0] = (byte)(0xE0 | (r >> 12));
            dest[1] = (byte)(0x80 | ((r >> 6) & 0x3F));
            dest[2] = (byte)(0x80 | (r & 0x3F));
            return 3;
        }
        dest[0] = (byte)(0xF0 | (r >> 18));
        dest[1] = (byte)(0x80 | ((r >> 12) & 0x3F));
        dest[2] = (byte)(0x80 | ((r >> 6) & 0x3F));
        dest[3] = (byte)(0x80 | (r & 0x3F));
        return 4;
    }

    private static bool IsCont(byte b) => (b & 0xC0) == 0x80;
}

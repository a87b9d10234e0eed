using System.Runtime.Versioning;
using System.Text;
using Coffre.Model.Json;

namespace Coffre.Tests.Model;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class GoQuoteTests
{
    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData("q\"uote", "q\\\"uote")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("nb\u00a0sp", "nb\\u00a0sp")]
    [InlineData("new\nline", "new\\nline")]
    [InlineData("lt<gt>&amp", "lt<gt>&amp")]
    [InlineData("emoji😀", "emoji😀")]
    [InlineData("éaccent", "éaccent")]
    [InlineData("apos'x", "apos'x")]
    [InlineData("\a\b\f\n\r\t\v", "\\a\\b\\f\\n\\r\\t\\v")]
    [InlineData("ctl\u0001x\u001f", "ctl\\x01x\\x1f")]
    [InlineData("del\u007f", "del\\x7f")]
    [InlineData("shy\u00ad", "shy\\u00ad")]
    [InlineData("zwj\u200d bom\ufeff pua\ue000", "zwj\\u200d bom\\ufeff pua\\ue000")]
    [InlineData("ls\u2028ps\u2029", "ls\\u2028ps\\u2029")]
    [InlineData("tag\U000e0001", "tag\\U000e0001")]
    [InlineData("unassigned\u0378", "unassigned\\u0378")]
    [InlineData("fffd\ufffd", "fffd\ufffd")]
    [InlineData("sp ace\u3000ideo", "sp ace\\u3000ideo")]
    [InlineData("", "")]
    public void QuoteMatchesGo(string raw, string quoted)
    {
        Assert.Equal(quoted, GoQuote.QuoteToString(U(raw)));
        Assert.Equal(U(quoted), GoQuote.Quote(U(raw)));
        Assert.Equal(U(raw), GoQuote.Unquote(quoted));
    }

    [Theory]
    [InlineData(new byte[] { 0x62, 0x61, 0x64, 0xFF, 0x75 }, "bad\\xffu")]
    [InlineData(new byte[] { 0x74, 0xE2, 0x80 }, "t\\xe2\\x80")]
    [InlineData(new byte[] { 0xE2, 0x80, 0x41 }, "\\xe2\\x80A")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "\\xed\\xa0\\x80")]
    [InlineData(new byte[] { 0xC0, 0xAF }, "\\xc0\\xaf")]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, "\\xf4\\x90\\x80\\x80")]
    [InlineData(new byte[] { 0xEF, 0xBF, 0xBD }, "\ufffd")]
    public void InvalidUtf8BytesBecomeHexEscapes(byte[] raw, string quoted)
    {
        Assert.Equal(quoted, GoQuote.QuoteToString(raw));
        Assert.Equal(raw, GoQuote.Unquote(quoted));
    }

    [Theory]
    [InlineData("\\101\\x41\\u0041\\U00000041", "AAAA")]
    [InlineData("\\377", "\xff")]
    [InlineData("\\'\\\"", "'\"")]
    [InlineData("\\u00E9", "é")]
    [InlineData("plain", "plain")]
    public void UnquoteHandlesAllEscapes(string quoted, string expectedLatin1)
    {
        var expected = expectedLatin1.Contains('é', StringComparison.Ordinal) ? U(expectedLatin1) : Encoding.Latin1.GetBytes(expectedLatin1);
        Assert.Equal(expected, GoQuote.Unquote(quoted));
    }

    [Theory]
    [InlineData("\\")]
    [InlineData("\\q")]
    [InlineData("\\x4")]
    [InlineData("\\xzz")]
    [InlineData("\\400")]
    [InlineData("\\18")]
    [InlineData("\\ud800")]
    [InlineData("\\U00110000")]
    public void UnquoteRejectsMalformedEscapes(string quoted) =>
        Assert.Throws<FormatException>(() => GoQuote.Unquote(quoted));

    [Fact]
    public void RandomBytesRoundTrip()
    {
        var rng = new Random(12345);
        // Bias toward interesting bytes: ASCII controls, UTF-8 lead/continuation bytes and 0xFF.
        byte[] pool = [0, 7, 9, 10, 0x1f, 0x20, 0x22, 0x27, 0x5c, 0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xa0, 0xe2, 0x80, 0xa8, 0xed, 0xf0, 0x9f, 0xf4, 0xff];
        for (var i = 0; i < 5000; i++)
        {
            var len = rng.Next(0, 24);
            var raw = new byte[len];
            for (var j = 0; j < len; j++) raw[j] = rng.Next(3) == 0 ? pool[rng.Next(pool.Length)] : (byte)rng.Next(256);
            var quoted = GoQuote.Quote(raw);
            Assert.True(System.Text.Unicode.Utf8.IsValid(quoted));
            Assert.Equal(raw, GoQuote.Unquote(Encoding.UTF8.GetString(quoted)));
            Assert.Equal(raw, GoQuote.Unquote(quoted));
        }
    }

    [Fact]
    public void RandomValidRunesRoundTrip()
    {
        var rng = new Random(777);
        var sb = new StringBuilder();
        for (var i = 0; i < 2000; i++)
        {
            sb.Clear();
            for (var j = 0; j < 8; j++)
            {
                int cp;
                do cp = rng.Next(0, 0x110000); while (cp is >= 0xD800 and <= 0xDFFF);
                sb.Append(char.ConvertFromUtf32(cp));
            }
            var raw = U(sb.ToString());
            Assert.Equal(raw, GoQuote.Unquote(GoQuote.QuoteToString(raw)));
        }
    }

    [Theory]
    [InlineData(0x20, true)]
    [InlineData(0x7e, true)]
    [InlineData(0xa0, false)]
    [InlineData(0xa1, true)]
    [InlineData(0xad, false)]
    [InlineData(0x3000, false)] // ideographic space (Zs)
    [InlineData(0x4e2d, true)]
    [InlineData(0x1f600, true)]
    [InlineData(0x0301, true)] // combining mark
    [InlineData(0xe000, false)]
    [InlineData(0x1fae8, true)]  // Unicode 15.0 (Go 1.21+ knows it)
    [InlineData(0x31ef, false)]  // Unicode 15.1: unassigned for Go
    [InlineData(0x2ebf0, false)] // Unicode 15.1
    [InlineData(0x2427, false)]  // Unicode 16.0
    [InlineData(0x1fae9, false)] // Unicode 16.0
    [InlineData(0x13460, false)] // Unicode 16.0
    [InlineData(0x143fa, false)] // Unicode 16.0
    [InlineData(0x143fb, false)] // unassigned everywhere
    [InlineData(0x1345f, false)] // unassigned in 15.0 (.NET: Unicode 16 Egyptian hieroglyph block)
    [InlineData(0x13455, true)]  // Unicode 15.0 combining mark (Mn)
    public void IsPrintMatchesGo(int rune, bool printable) => Assert.Equal(printable, GoQuote.IsPrint(rune));
}

using System.Runtime.Versioning;
using System.Text;
using Coffre.Model;
using Coffre.Model.Json;

namespace Coffre.Tests.Model;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class GoJsonWriterTests
{
    private static string Str(string s)
    {
        var w = new GoJsonWriter();
        w.WriteString(s);
        return Encoding.UTF8.GetString(w.WrittenSpan);
    }

    private static string Utf8(byte[] raw)
    {
        var w = new GoJsonWriter();
        w.WriteStringUtf8(raw);
        return Encoding.UTF8.GetString(w.WrittenSpan);
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("q\"b\\", "\"q\\\"b\\\\\"")]
    [InlineData("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"")]
    [InlineData("\u0000\u0001\u001f", "\"\\u0000\\u0001\\u001f\"")]
    [InlineData("<>&", "\"\\u003c\\u003e\\u0026\"")]
    [InlineData("\u2028\u2029", "\"\\u2028\\u2029\"")]
    [InlineData("del\u007f nbsp\u00a0 é 😀 '+`", "\"del\u007f nbsp\u00a0 é 😀 '+`\"")]
    [InlineData("/", "\"/\"")]
    public void EscapesLikeGo(string value, string json) => Assert.Equal(json, Str(value));

    [Fact]
    public void InvalidUtf8BecomesReplacementEscape()
    {
        Assert.Equal("\"a\\ufffdb\"", Utf8([0x61, 0xFF, 0x62]));
        Assert.Equal("\"\\ufffd\\ufffdA\"", Utf8([0xE2, 0x80, 0x41])); // Go: one U+FFFD per bad byte
        Assert.Equal("\"\\ufffd\\ufffd\\ufffd\"", Utf8([0xED, 0xA0, 0x80])); // surrogate
        Assert.Equal("\"\ufffd\"", Utf8([0xEF, 0xBF, 0xBD])); // a real U+FFFD stays raw
        Assert.Equal("\"\ufffd\"", Str("\ud800")); // a lone UTF-16 surrogate is encoded as a real U+FFFD
    }

    [Fact]
    public void CommasAndNesting()
    {
        var w = new GoJsonWriter(1);
        w.WriteStartObject();
        w.WritePropertyName("a");
        w.WriteStartArray();
        w.WriteNumber(1UL);
        w.WriteNumber(-2L);
        w.WriteStartObject();
        w.WriteEndObject();
        w.WriteStartArray();
        w.WriteEndArray();
        w.WriteNull();
        w.WriteBool(true);
        w.WriteBool(false);
        w.WriteRaw("{\"r\":1}"u8);
        w.WriteEndArray();
        w.WritePropertyName("b<");
        w.WriteNumber(ulong.MaxValue);
        w.WritePropertyName("t");
        w.WriteTime(GoTime.Zero);
        w.WritePropertyName("id");
        w.WriteId(BlobId.Parse(new string('0', 62) + "af"));
        w.WritePropertyName("b64");
        w.WriteBase64String([1, 2, 3, 4]);
        w.WriteEndObject();
        w.WriteNewline();
        Assert.Equal(
            "{\"a\":[1,-2,{},[],null,true,false,{\"r\":1}],\"b\\u003c\":18446744073709551615,\"t\":\"0001-01-01T00:00:00Z\",\"id\":\"" +
            new string('0', 62) + "af\",\"b64\":\"AQIDBA==\"}\n",
            Encoding.UTF8.GetString(w.ToArray()));

        w.Reset();
        Assert.Equal(0, w.WrittenCount);
        w.WriteNumber(5UL);
        Assert.Equal("5", Encoding.UTF8.GetString(w.WrittenSpan));
    }

    [Fact]
    public void LongStringsUsePooledBuffer()
    {
        var s = new string('é', 10_000) + "<";
        Assert.Equal("\"" + new string('é', 10_000) + "\\u003c\"", Str(s));
    }

    [Fact]
    public void RawCompactedLikeGoRawMessage()
    {
        var w = new GoJsonWriter();
        w.WriteStartArray();
        w.WriteRawCompacted(" { \"a b\" : [ 1 , \"x<\\\"y\" ] ,\n\"c\":\"\u2028\" } "u8);
        w.WriteRawCompacted(""u8);
        w.WriteEndArray();
        Assert.Equal("[{\"a b\":[1,\"x\\u003c\\\"y\"],\"c\":\"\\u2028\"},null]", Encoding.UTF8.GetString(w.WrittenSpan));
    }
}

using System.Runtime.Versioning;
using System.Text;
using Coffre.Repository.Keys;

namespace Coffre.Tests.Repository.Keys;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class GoJsonTextTests
{
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("<a>&", "\"\\u003ca\\u003e\\u0026\"")]
    [InlineData("\n\r\t\b\f\u0001\u001f", "\"\\n\\r\\t\\b\\f\\u0001\\u001f\"")]
    [InlineData("\u2028\u2029é😀/", "\"\\u2028\\u2029é😀/\"")]
    public void EscapesLikeGo(string value, string expected)
    {
        var sb = new StringBuilder();
        GoJsonText.AppendString(sb, value);
        Assert.Equal(expected, sb.ToString());
    }

    [Fact]
    public void LoneSurrogatesBecomeReplacementEscapes()
    {
        // Built in code: a lone surrogate does not survive an attribute argument.
        var sb = new StringBuilder();
        GoJsonText.AppendString(sb, new string([(char)0xd800, 'x', (char)0xdc00]));
        Assert.Equal("\"\\ufffdx\\ufffd\"", sb.ToString());
    }
}

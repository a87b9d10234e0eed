using System.Runtime.Versioning;
using Coffre.Repository;
using static Coffre.Tests.Repository.ResticVectors;

namespace Coffre.Tests.Repository;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class RepositoryConfigTests
{
    [Fact]
    public void ParsesAndReserializesResticConfig()
    {
        var plain = Master.Open(Convert.FromHexString(ConfigHex));
        var config = RepositoryConfig.Parse(plain);
        Assert.Equal(2, config.Version);
        Assert.Equal("3e2dc99cf9f16695c3022ac3094d269dc9613a3421e44230004115c6970b314a", config.Id);
        Assert.Equal(0x3f8da62e97eccbUL, config.ChunkerPolynomial);
        Assert.Equal(plain, config.Serialize());
    }

    [Fact]
    public void SerializeIsCompactGoOrder()
    {
        var c = new RepositoryConfig(2, new string('a', 64), 0x3cfc63a246c287);
        Assert.Equal("{\"version\":2,\"id\":\"" + new string('a', 64) + "\",\"chunker_polynomial\":\"3cfc63a246c287\"}", Text(c.Serialize()));
        Assert.Equal(c, RepositoryConfig.Parse(c.Serialize()));
    }

    [Fact]
    public void AcceptsVersionOneUppercaseHexAndUnknownKeys()
    {
        var c = RepositoryConfig.Parse(Utf8("{\"Version\":1,\"ID\":\"abc\",\"chunker_polynomial\":\"3F8DA62E97ECCB\",\"future\":true}"));
        Assert.Equal(new RepositoryConfig(1, "abc", 0x3f8da62e97eccb), c);
    }

    [Theory]
    [InlineData("{\"version\":3,\"id\":\"x\",\"chunker_polynomial\":\"3f\"}", "version")]
    [InlineData("{\"version\":0,\"id\":\"x\",\"chunker_polynomial\":\"3f\"}", "version")]
    [InlineData("{\"id\":\"x\",\"chunker_polynomial\":\"3f\"}", "version")]
    [InlineData("{\"version\":\"2\",\"id\":\"x\",\"chunker_polynomial\":\"3f\"}", "version")]
    [InlineData("{\"version\":2,\"chunker_polynomial\":\"3f\"}", "id")]
    [InlineData("{\"version\":2,\"id\":\"\",\"chunker_polynomial\":\"3f\"}", "id")]
    [InlineData("{\"version\":2,\"id\":\"x\",\"chunker_polynomial\":\"0x3f\"}", "hex")]
    [InlineData("{\"version\":2,\"id\":\"x\",\"chunker_polynomial\":\"3g\"}", "hex")]
    [InlineData("{\"version\":2,\"id\":\"x\",\"chunker_polynomial\":\"\"}", "hex")]
    [InlineData("{\"version\":2,\"id\":\"x\",\"chunker_polynomial\":\"10000000000000000\"}", "hex")]
    [InlineData("{\"version\":2,\"id\":\"x\"}", "chunker_polynomial")]
    [InlineData("{\"version\":2,", "JSON")]
    public void RejectsBadConfigs(string json, string messagePart)
    {
        var e = Assert.Throws<InvalidDataException>(() => RepositoryConfig.Parse(Utf8(json)));
        Assert.Contains(messagePart, e.Message, StringComparison.Ordinal);
    }
}

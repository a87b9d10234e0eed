using System.Runtime.Versioning;
using Coffre.Repository.Crypto;
using Coffre.Repository.Keys;
using static Coffre.Tests.Repository.ResticVectors;

namespace Coffre.Tests.Repository.Keys;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class MasterKeyJsonTests
{
    [Fact]
    public void ParsesAndSerializesTheResticMasterKey()
    {
        var k = MasterKeyJson.Parse(Utf8(MasterKeyJsonText));
        Assert.Equal(MasterEncryptHex, Convert.ToHexStringLower(k.Encrypt));
        Assert.Equal(MasterMacKHex, Convert.ToHexStringLower(k.MacK));
        Assert.Equal(MasterMacRHex, Convert.ToHexStringLower(k.MacR));
        Assert.Equal(MasterKeyJsonText, Text(MasterKeyJson.Serialize(k)));
    }

    [Fact]
    public void RoundTripsRandomKeys()
    {
        var k = CryptoKey.NewRandom();
        var p = MasterKeyJson.Parse(MasterKeyJson.Serialize(k));
        Assert.Equal(k.Encrypt.ToArray(), p.Encrypt.ToArray());
        Assert.Equal(k.MacK.ToArray(), p.MacK.ToArray());
        Assert.Equal(k.MacR.ToArray(), p.MacR.ToArray());
    }

    [Fact]
    public void KeysMatchCaseInsensitivelyAndUnknownKeysAreIgnored()
    {
        var json = "{\"x\":1,\"MAC\":{\"K\":\"++doIYmfac8b+LD2+T0CKA==\",\"R\":\"IVxoCqRTuAM4mbAISBFoAA==\",\"y\":2},\"Encrypt\":\"JCAB0Z6hoaxTo2j0kCXStWltTNcY4myxxk09wZq3TCM=\"}";
        Assert.Equal(MasterMacKHex, Convert.ToHexStringLower(MasterKeyJson.Parse(Utf8(json)).MacK));
    }

    [Theory]
    [InlineData("{\"mac\":{\"k\":\"AAAAAAAAAAAAAAAAAAAAAA==\",\"r\":\"IVxoCqRTuAM4mbAISBFoAA==\"},\"encrypt\":\"JCAB0Z6hoaxTo2j0kCXStWltTNcY4myxxk09wZq3TCM=\"}")]
    [InlineData("{\"mac\":{\"k\":\"++doIYmfac8b+LD2+T0C\",\"r\":\"IVxoCqRTuAM4mbAISBFoAA==\"},\"encrypt\":\"JCAB0Z6hoaxTo2j0kCXStWltTNcY4myxxk09wZq3TCM=\"}")]
    [InlineData("{\"mac\":{\"k\":\"++doIYmfac8b+LD2+T0CKA==\"},\"encrypt\":\"JCAB0Z6hoaxTo2j0kCXStWltTNcY4myxxk09wZq3TCM=\"}")]
    [InlineData("{\"mac\":{\"k\":\"++doIYmfac8b+LD2+T0CKA==\",\"r\":\"IVxoCqRTuAM4mbAISBFoAA==\"}}")]
    [InlineData("{\"mac\":1,\"encrypt\":\"JCAB0Z6hoaxTo2j0kCXStWltTNcY4myxxk09wZq3TCM=\"}")]
    [InlineData("[]")]
    public void RejectsBadMasterKeys(string json)
    {
        Assert.Throws<InvalidDataException>(() => MasterKeyJson.Parse(Utf8(json)));
    }
}

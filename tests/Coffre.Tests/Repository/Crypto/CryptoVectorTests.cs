using System.Runtime.Versioning;
using System.Security.Cryptography;
using Coffre.Repository.Crypto;
using static Coffre.Tests.Repository.ResticVectors;

namespace Coffre.Tests.Repository.Crypto;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class CryptoVectorTests
{
    [Fact]
    public void PolySIsAes128EcbOfIv()
    {
        using var aes = Aes.Create();
        aes.Key = Convert.FromHexString(MasterMacKHex);
        var s = aes.EncryptEcb(Convert.FromHexString(FixedIvHex), PaddingMode.None);
        Assert.Equal(PolySHex, Convert.ToHexStringLower(s));
    }

    [Fact]
    public void Poly1305AesMatchesVector()
    {
        var tag = Poly1305Aes.Compute(Convert.FromHexString(MasterMacKHex), Convert.FromHexString(MasterMacRHex),
                                      Convert.FromHexString(FixedIvHex), Utf8(Hello));
        Assert.Equal(HelloTagHex, Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void SealWithFixedIvMatchesVector()
    {
        var plain = Utf8(Hello);
        var output = new byte[plain.Length + CryptoKey.Overhead];
        Master.Seal(plain, output, Convert.FromHexString(FixedIvHex));
        Assert.Equal(HelloSealedHex, Convert.ToHexStringLower(output));
        Assert.Equal(Hello, Text(Master.Open(output)));
    }

    [Fact]
    public void UserKeyVectorOpensKeyFileDataToMasterJson()
    {
        var user = CryptoKey.FromDerived(Convert.FromHexString(UserKeyHex));
        var kf = Coffre.Repository.Keys.KeyFile.Parse(Utf8(KeyFileJson));
        Assert.Equal(MasterKeyJsonText, Text(user.Open(kf.Data)));
    }

    [Fact]
    public void UnclampedRIsClampedBeforeUse()
    {
        // The scrypt-derived r is not clamped (0x4f863cff...): sealing with it must equal sealing with the clamped r.
        var derived = Convert.FromHexString(UserKeyHex);
        var raw = CryptoKey.FromDerived(derived);
        var r = derived[48..];
        Poly1305Aes.Clamp(r);
        Assert.NotEqual(derived[48..], r);
        var clamped = new CryptoKey(derived[..32], derived[32..48], r);
        var iv = Convert.FromHexString(FixedIvHex);
        var a = new byte[13 + 32];
        var b = new byte[13 + 32];
        raw.Seal(Utf8(Hello), a, iv);
        clamped.Seal(Utf8(Hello), b, iv);
        Assert.Equal(a, b);
    }

    [Fact]
    public void ConfigOpensWithMasterKey()
    {
        var config = Convert.FromHexString(ConfigHex);
        Assert.Equal(155, config.Length);
        var plain = Master.Open(config);
        Assert.Equal(123, plain.Length);
        Assert.Equal(ConfigJson, Text(plain));
    }

    [Fact]
    public void HelloBlobOpensToZstdFrame()
    {
        Assert.Equal(HelloFrameHex, Convert.ToHexStringLower(Master.Open(Convert.FromHexString(HelloBlobHex))));
    }
}

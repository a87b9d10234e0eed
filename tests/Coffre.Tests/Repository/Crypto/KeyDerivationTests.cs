using System.Runtime.Versioning;
using Coffre.Repository.Crypto;

namespace Coffre.Tests.Repository.Crypto;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class KeyDerivationTests
{
    [Fact]
    public void ScryptMatchesRfc7914Vector()
    {
        // RFC 7914 §12: scrypt("password", "NaCl", N=1024, r=8, p=16, dkLen=64).
        var k = KeyDerivation.Scrypt("password"u8, "NaCl"u8, 1024, 8, 16);
        const string expected = "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640";
        Assert.Equal(expected, Convert.ToHexStringLower([.. k.Encrypt, .. k.MacK, .. k.MacR]));
    }

    [Theory]
    [InlineData(0, 8, 1)]
    [InlineData(1, 8, 1)]
    [InlineData(1000, 8, 1)]
    [InlineData(1024, 0, 1)]
    [InlineData(1024, 8, 0)]
    [InlineData(1 << 30, 8, 1)]
    [InlineData(1 << 20, 8, 1 << 20)] // days of work at full CPU
    [InlineData(1 << 23, 8, 1)] // 8 GiB
    [InlineData(1 << 20, 8, 2)] // 128·N·r·p = 2 GiB
    [InlineData(1024, 65, 1)]
    [InlineData(1024, 1, 65)]
    public void InvalidParametersAreRejected(int n, int r, int p)
    {
        Assert.NotNull(KeyDerivation.ValidateParameters(n, r, p));
        Assert.Throws<ArgumentException>(() => KeyDerivation.Scrypt("x"u8, "salt"u8, n, r, p));
    }

    [Theory]
    [InlineData(1 << 20, 8, 1)] // exactly 1 GiB
    [InlineData(1 << 17, 8, 8)]
    [InlineData(2, 64, 64)]
    public void ParametersUpToTheCostLimitAreAccepted(int n, int r, int p) => Assert.Null(KeyDerivation.ValidateParameters(n, r, p));

    [Fact]
    public void A_cancelled_derivation_stops()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => KeyDerivation.Scrypt("x"u8, "salt"u8, 1 << 14, 8, 1, cts.Token));
    }

    [Fact]
    public void ParameterSets()
    {
        Assert.Equal((32768, 8, 1), KeyDerivation.DefaultParameters);
        Assert.Equal((1024, 8, 1), KeyDerivation.TestParameters);
        Assert.Null(KeyDerivation.ValidateParameters(32768, 8, 9));
        // Set by this test assembly (CheapTestKeys), never by the environment.
        Assert.Equal(KeyDerivation.TestParameters, KeyDerivation.NewKeyParameters);
    }
}

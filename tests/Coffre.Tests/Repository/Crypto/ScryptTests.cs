using System.Text;
using Coffre.Repository.Crypto;

namespace Coffre.Tests.Repository.Crypto;

/// <summary>Our scrypt against RFC 7914 §12 and against BouncyCastle on other parameters.</summary>
public class ScryptTests
{
    [Theory]
    [InlineData("", "", 16, 1, 1, "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906")]
    [InlineData("password", "NaCl", 1024, 8, 16, "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")]
    public void MatchesRfc7914(string password, string salt, int n, int r, int p, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Scrypt.Derive(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), n, r, p, 64)));

    [Theory]
    [InlineData(2, 1, 1)]
    [InlineData(64, 2, 3)]
    [InlineData(256, 8, 2)]
    [InlineData(1024, 3, 1)]
    public void MatchesBouncyCastle(int n, int r, int p)
    {
        var pw = Encoding.UTF8.GetBytes("pässword \u0000 with NUL");
        var salt = new byte[64];
        Random.Shared.NextBytes(salt);
        var expected = Org.BouncyCastle.Crypto.Generators.SCrypt.Generate(pw, salt, n, r, p, 64);
        Assert.Equal(expected, Scrypt.Derive(pw, salt, n, r, p, 64));
    }
}

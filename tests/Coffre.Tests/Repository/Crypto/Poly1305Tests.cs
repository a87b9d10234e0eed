using System.Runtime.Versioning;
using System.Security.Cryptography;
using Coffre.Repository.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using BcPoly1305 = Org.BouncyCastle.Crypto.Macs.Poly1305;

namespace Coffre.Tests.Repository.Crypto;

/// <summary>The hand-written Poly1305 (scalar and vector kernels) against BouncyCastle and published vectors (the §15.3 vector is in CryptoVectorTests).</summary>
[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class Poly1305Tests
{
    /// <summary>Every kernel this CPU can run (0 scalar, 4 AVX2, 8 AVX-512).</summary>
    public static TheoryData<int> Kernels()
    {
        var data = new TheoryData<int>();
        foreach (int lanes in Poly1305.SupportedLanes) data.Add(lanes);
        return data;
    }

    private static byte[] RandomBytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }

    /// <summary>BouncyCastle's Poly1305-AES; it wants the key as r || k and a clamped r.</summary>
    private static byte[] BcPoly1305Aes(ReadOnlySpan<byte> k, ReadOnlySpan<byte> r, byte[] nonce, byte[] message)
    {
        var key = new byte[32];
        r.CopyTo(key);
        Poly1305Aes.Clamp(key.AsSpan(0, 16));
        k.CopyTo(key.AsSpan(16));
        var mac = new BcPoly1305(new AesEngine());
        mac.Init(new ParametersWithIV(new KeyParameter(key), nonce));
        mac.BlockUpdate(message, 0, message.Length);
        var tag = new byte[16];
        mac.DoFinal(tag, 0);
        return tag;
    }

    /// <summary>BouncyCastle's plain Poly1305 (key r || s).</summary>
    private static byte[] BcPoly1305Raw(ReadOnlySpan<byte> r, ReadOnlySpan<byte> s, byte[] message)
    {
        var key = new byte[32];
        r.CopyTo(key);
        Poly1305Aes.Clamp(key.AsSpan(0, 16));
        s.CopyTo(key.AsSpan(16));
        var mac = new BcPoly1305();
        mac.Init(new KeyParameter(key));
        mac.BlockUpdate(message, 0, message.Length);
        var tag = new byte[16];
        mac.DoFinal(tag, 0);
        return tag;
    }

    private static byte[] Raw(int lanes, ReadOnlySpan<byte> r, ReadOnlySpan<byte> s, ReadOnlySpan<byte> message)
    {
        var p = new Poly1305(lanes);
        p.Init(r, s);
        p.Update(message);
        var tag = new byte[16];
        p.Final(tag);
        return tag;
    }

    [Fact]
    public void Poly1305AesMatchesBouncyCastleForLengths0To100()
    {
        var rng = new Random(1305);
        for (int length = 0; length <= 100; length++)
        {
            for (int trial = 0; trial < 4; trial++)
            {
                var k = RandomBytes(rng, 16);
                var r = RandomBytes(rng, 16);
                var nonce = RandomBytes(rng, 16);
                var message = RandomBytes(rng, length);
                Assert.Equal(BcPoly1305Aes(k, r, nonce, message), Poly1305Aes.Compute(k, r, nonce, message));
            }
        }
    }

    [Theory]
    [InlineData(3 * 1024 * 1024 + 7)]
    [InlineData(8 * 1024 * 1024)]
    public void Poly1305AesMatchesBouncyCastleOnSeveralMiB(int length)
    {
        var rng = new Random(length);
        var k = RandomBytes(rng, 16);
        var r = RandomBytes(rng, 16);
        var nonce = RandomBytes(rng, 16);
        var message = RandomBytes(rng, length);
        Assert.Equal(BcPoly1305Aes(k, r, nonce, message), Poly1305Aes.Compute(k, r, nonce, message));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void KernelMatchesBouncyCastle(int lanes)
    {
        var rng = new Random(42 + lanes);
        int[] lengths = [.. Enumerable.Range(0, 600), 1023, 1024, 1025, 2047, 2048, 2049, 4096 + 15, 65535, 65536, 65537, 1024 * 1024 + 13];
        foreach (int length in lengths)
        {
            var r = RandomBytes(rng, 16);
            var s = RandomBytes(rng, 16);
            var message = RandomBytes(rng, length);
            Assert.True(BcPoly1305Raw(r, s, message).AsSpan().SequenceEqual(Raw(lanes, r, s, message)), $"length {length}");
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void KernelHandlesMaximalLimbs(int lanes)
    {
        // All-ones r (largest clamped value), s and data push every carry chain and the final reduction to its limits.
        var ones = Enumerable.Repeat((byte)0xff, 16).ToArray();
        foreach (int length in new[] { 15, 16, 17, 128, 255, 256, 257, 1024, 4099, 70000 })
        {
            var message = Enumerable.Repeat((byte)0xff, length).ToArray();
            Assert.Equal(BcPoly1305Raw(ones, ones, message), Raw(lanes, ones, ones, message));
            Assert.Equal(BcPoly1305Raw(ones, new byte[16], message), Raw(lanes, ones, new byte[16], message));
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void StreamingInAnyPiecesEqualsOneShot(int lanes)
    {
        var rng = new Random(7 + lanes);
        foreach (int length in new[] { 0, 1, 100, 300, 1000, 5000, 200_000 })
        {
            var r = RandomBytes(rng, 16);
            var s = RandomBytes(rng, 16);
            var message = RandomBytes(rng, length);
            var expected = Raw(lanes, r, s, message);
            for (int trial = 0; trial < 5; trial++)
            {
                var p = new Poly1305(lanes);
                p.Init(r, s);
                int maxPiece = trial switch { 0 => 1, 1 => 17, 2 => 300, _ => 70_000 };
                for (int off = 0; off < length;)
                {
                    int n = Math.Min(length - off, rng.Next(0, maxPiece + 1));
                    p.Update(message.AsSpan(off, n));
                    off += n;
                }
                var tag = new byte[16];
                p.Final(tag);
                Assert.Equal(expected, tag);
            }
        }
    }

    [Fact]
    public void ReusedInstanceWithChangingKeys()
    {
        // One per-thread instance sees several keys in turn: cached r powers and AES key schedules must follow.
        var rng = new Random(99);
        var keys = Enumerable.Range(0, 3).Select(_ => (K: RandomBytes(rng, 16), R: RandomBytes(rng, 16))).ToArray();
        for (int i = 0; i < 30; i++)
        {
            var (k, r) = keys[rng.Next(keys.Length)];
            var nonce = RandomBytes(rng, 16);
            var message = RandomBytes(rng, rng.Next(0, 3000));
            Assert.Equal(BcPoly1305Aes(k, r, nonce, message), Poly1305Aes.Compute(k, r, nonce, message));
        }
    }

    [Fact]
    public void SIsAes128OfTheNonce()
    {
        var rng = new Random(5);
        for (int i = 0; i < 20; i++)
        {
            var k = RandomBytes(rng, 16);
            var r = RandomBytes(rng, 16);
            var nonce = RandomBytes(rng, 16);
            var message = RandomBytes(rng, i * 37);
            using var aes = Aes.Create();
            aes.Key = k;
            var s = aes.EncryptEcb(nonce, PaddingMode.None);
            Assert.Equal(Raw(0, r, s, message), Poly1305Aes.Compute(k, r, nonce, message));
        }
    }

    [Theory] // D. J. Bernstein, "The Poly1305-AES message-authentication code" (2005), appendix B: k, r, nonce, message, tag
    [InlineData("ec074c835580741701425b623235add6", "851fc40c3467ac0be05cc20404f3f700", "fb447350c4e868c52ac3275cf9d4327e",
                "f3f6", "f4c633c3044fc145f84f335cb81953de")]
    [InlineData("75deaa25c09f208e1dc4ce6b5cad3fbf", "a0f3080000f46400d0c7e9076c834403", "61ee09218d29b0aaed7e154a2c5509cc",
                "", "dd3fab2251f11ac759f0887129cc2ee7")]
    [InlineData("6acb5f61a7176dd320c5c1eb2edcdc74", "48443d0bb0d21109c89a100b5ce2c208", "ae212a55399729595dea458bc621ff0e",
                "663cea190ffb83d89593f3f476b6bc24d7e679107ea26adb8caf6652d0656136", "0ee1c16bb73f0f4fd19881753c01cdbe")]
    [InlineData("e1a5668a4d5b66a5f68cc5424ed5982d", "12976a08c4426d0ce8a82407c4f48207", "9ae831e743978d3a23527c7128149e3a",
                "ab0812724a7f1e342742cbed374d94d136c6b8795d45b3819830f2c04491faf0990c62e48b8018b2c3e4a0fa3134cb67fa83e158c994d961c4cb21095c1bf9",
                "5154ad0d2cb26e01274fc51148491f1b")]
    public void Poly1305AesPaperVectors(string k, string r, string nonce, string message, string tag)
    {
        var result = Poly1305Aes.Compute(Convert.FromHexString(k), Convert.FromHexString(r), Convert.FromHexString(nonce), Convert.FromHexString(message));
        Assert.Equal(tag, Convert.ToHexStringLower(result));
    }

    [Theory] // RFC 8439 §2.5.2 and appendix A.3 #5-#9 (edge cases of the final reduction): key r || s, message, tag
    [InlineData("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b",
                "43727970746f6772617068696320466f72756d2052657365617263682047726f7570", "a8061dc1305136c6c22b8baf0c0127a9")]
    [InlineData("0200000000000000000000000000000000000000000000000000000000000000",
                "ffffffffffffffffffffffffffffffff", "03000000000000000000000000000000")]
    [InlineData("02000000000000000000000000000000ffffffffffffffffffffffffffffffff",
                "02000000000000000000000000000000", "03000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000",
                "fffffffffffffffffffffffffffffffff0ffffffffffffffffffffffffffffff11000000000000000000000000000000", "05000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000",
                "fffffffffffffffffffffffffffffffffbfefefefefefefefefefefefefefefe01010101010101010101010101010101", "00000000000000000000000000000000")]
    [InlineData("0200000000000000000000000000000000000000000000000000000000000000",
                "fdffffffffffffffffffffffffffffff", "faffffffffffffffffffffffffffffff")]
    public void Rfc8439Vectors(string key, string message, string tag)
    {
        var rs = Convert.FromHexString(key);
        foreach (int lanes in Poly1305.SupportedLanes)
            Assert.Equal(tag, Convert.ToHexStringLower(Raw(lanes, rs.AsSpan(0, 16), rs.AsSpan(16), Convert.FromHexString(message))));
    }

    [Fact]
    public void UnsupportedKernelIsRefused()
    {
        Assert.Throws<PlatformNotSupportedException>(() => new Poly1305(3));
    }
}

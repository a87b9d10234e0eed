using System.Buffers.Binary;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Coffre.Repository.Crypto;

namespace Coffre.Tests.Repository.Crypto;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class CryptoKeyTests
{
    private static readonly CryptoKey Key = CryptoKey.NewRandom();

    private static byte[] Random(int n)
    {
        var b = new byte[n];
        System.Random.Shared.NextBytes(b);
        return b;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(64 * 1024 - 1)]
    [InlineData(64 * 1024)]
    [InlineData(64 * 1024 + 1)]
    [InlineData(1024 * 1024 + 3)]
    public void SealOpenRoundTrip(int size)
    {
        var plain = Random(size);
        var sealedBox = Key.Seal(plain);
        Assert.Equal(size + CryptoKey.Overhead, sealedBox.Length);
        Assert.Equal(plain, Key.Open(sealedBox));

        var buffer = new byte[size + 5]; // larger buffers are fine
        Assert.True(Key.TryOpen(sealedBox, buffer));
        Assert.Equal(plain, buffer[..size]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(70000)]
    public void AnyFlippedBitFailsTheMac(int size)
    {
        var sealedBox = Key.Seal(Random(size));
        var plain = new byte[size];
        var positions = size < 100 ? Enumerable.Range(0, sealedBox.Length) : [0, 15, 16, 17, 40000, sealedBox.Length - 17, sealedBox.Length - 16, sealedBox.Length - 1];
        foreach (int pos in positions)
        {
            for (int bit = 0; bit < 8; bit += size < 100 ? 1 : 7)
            {
                sealedBox[pos] ^= (byte)(1 << bit);
                Assert.False(Key.TryOpen(sealedBox, plain), $"flip at byte {pos} bit {bit} not detected");
                sealedBox[pos] ^= (byte)(1 << bit);
            }
        }
        Assert.True(Key.TryOpen(sealedBox, plain));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(200_000)]
    public void FailedMacReleasesNoPlaintext(int size)
    {
        // The MAC covers the whole ciphertext and is checked before anything is decrypted into the caller's buffer.
        var sealedBox = Key.Seal(Random(size));
        sealedBox[^1] ^= 1;
        var plain = Enumerable.Repeat((byte)0xa5, size).ToArray();
        Assert.False(Key.TryOpen(sealedBox, plain));
        Assert.All(plain, b => Assert.Equal(0xa5, b));
    }

    [Fact]
    public void SealAndOpenDoNotAllocate()
    {
        var plain = Random(300_000);
        var sealedBox = new byte[plain.Length + CryptoKey.Overhead];
        var back = new byte[plain.Length];
        var small = new byte[100 + CryptoKey.Overhead];
        for (int i = 0; i < 3; i++) // warm up this thread's AES/Poly1305 state and IV pool
        {
            Key.Seal(plain, sealedBox);
            Assert.True(Key.TryOpen(sealedBox, back));
        }
        // The steady state must not allocate. A one-off allocation on this thread by the runtime or a lazily made
        // per-thread state (seen once in the full suite: 8040 bytes) is not a per-call cost, so the best of three
        // rounds counts; a Seal or TryOpen that allocates makes every round allocate.
        long best = long.MaxValue;
        for (int round = 0; round < 3 && best != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
            {
                Key.Seal(plain, sealedBox);
                Assert.True(Key.TryOpen(sealedBox, back));
                Key.Seal(plain.AsSpan(0, 100), small);
                Assert.True(Key.TryOpen(small, back));
            }
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, best);
        Assert.True(Key.TryOpen(sealedBox, back));
        Assert.Equal(plain, back);
    }

    [Fact]
    public void TruncatedOrShortBoxesFail()
    {
        var sealedBox = Key.Seal(Random(40));
        Assert.False(Key.TryOpen(sealedBox.AsSpan(0, sealedBox.Length - 1), new byte[40]));
        Assert.False(Key.TryOpen(new byte[31], new byte[0]));
        Assert.False(Key.TryOpen([], []));
        var e = Assert.Throws<CryptographicException>(() => Key.Open(new byte[10]));
        Assert.Equal("ciphertext verification failed (MAC)", e.Message);
    }

    [Fact]
    public void WrongKeyFails()
    {
        var sealedBox = Key.Seal(Random(100));
        Assert.False(CryptoKey.NewRandom().TryOpen(sealedBox, new byte[100]));
        Assert.Throws<CryptographicException>(() => CryptoKey.NewRandom().Open(sealedBox));
    }

    [Fact]
    public void PlaintextBufferTooSmallThrows()
    {
        var sealedBox = Key.Seal(Random(10));
        Assert.Throws<ArgumentException>(() => Key.TryOpen(sealedBox, new byte[9]));
    }

    [Fact]
    public void RandomIvsAreFreshAndNonZero()
    {
        var a = Key.Seal([1, 2, 3]);
        var b = Key.Seal([1, 2, 3]);
        Assert.NotEqual(a[..16], b[..16]);
        Assert.Contains(a[..16], x => x != 0);
    }

    [Fact]
    public void SealArgumentChecks()
    {
        var iv = new byte[16];
        Assert.Throws<ArgumentException>(() => Key.Seal([1], new byte[33], iv)); // all-zero IV
        iv[0] = 1;
        Assert.Throws<ArgumentException>(() => Key.Seal([1], new byte[34], iv));
        Assert.Throws<ArgumentException>(() => Key.Seal([1], new byte[33], iv.AsSpan(0, 15)));
        var zero = new CryptoKey(new byte[32], new byte[16], new byte[16]);
        Assert.False(zero.IsValid);
        Assert.Throws<InvalidOperationException>(() => zero.Seal([1]));
    }

    [Fact]
    public void NewRandomIsValidAndClamped()
    {
        var k = CryptoKey.NewRandom();
        Assert.True(k.IsValid);
        var r = k.MacR.ToArray();
        var clamped = r.ToArray();
        Poly1305Aes.Clamp(clamped);
        Assert.Equal(clamped, r);
        Assert.NotEqual(k.Encrypt.ToArray(), CryptoKey.NewRandom().Encrypt.ToArray());
    }

    [Fact]
    public void FromDerivedSplitsTheLayout()
    {
        var b = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        var k = CryptoKey.FromDerived(b);
        Assert.Equal(b[..32], k.Encrypt.ToArray());
        Assert.Equal(b[32..48], k.MacK.ToArray());
        Assert.Equal(b[48..], k.MacR.ToArray());
        Assert.Throws<ArgumentException>(() => CryptoKey.FromDerived(new byte[63]));
    }

    [Theory]
    [InlineData("ffffffffffffffffffffffffffffffff")] // 128-bit wrap to zero
    [InlineData("0000000000000000fffffffffffffffe")] // carry into the high 64 bits
    [InlineData("0102030405060708ffffffffffffff00")]
    public void CounterIsA128BitBigEndianIncrement(string ivHex)
    {
        var iv = Convert.FromHexString(ivHex);
        var plain = Random(64 * 1024 + 100); // crosses a keystream chunk too
        var output = new byte[plain.Length + CryptoKey.Overhead];
        Key.Seal(plain, output, iv);
        Assert.Equal(ReferenceCtr(Key.Encrypt, iv, plain), output[16..^16]);
        Assert.Equal(plain, Key.Open(output));
    }

    private static byte[] ReferenceCtr(ReadOnlySpan<byte> key, byte[] iv, byte[] plain)
    {
        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        var ctr = BinaryPrimitives.ReadUInt128BigEndian(iv);
        var result = new byte[plain.Length];
        var block = new byte[16];
        for (int off = 0; off < plain.Length; off += 16)
        {
            BinaryPrimitives.WriteUInt128BigEndian(block, ctr++);
            var ks = aes.EncryptEcb(block, PaddingMode.None);
            for (int i = 0; i < 16 && off + i < plain.Length; i++) result[off + i] = (byte)(plain[off + i] ^ ks[i]);
        }
        return result;
    }

    [Fact]
    public void ConcurrentSealAndOpenWithSharedKeys()
    {
        var other = CryptoKey.NewRandom();
        var inputs = Enumerable.Range(0, 64).Select(i => Random(i * 9001 % 300000)).ToArray();
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var key = i % 3 == 0 ? other : Key; // alternating keys exercises the per-thread re-keying
            var plain = inputs[i % inputs.Length];
            var sealedBox = key.Seal(plain);
            Assert.Equal(plain, key.Open(sealedBox));
            Assert.False((key == Key ? other : Key).TryOpen(sealedBox, new byte[plain.Length]));
        });
    }
}

using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Coffre.Repository.Crypto;

/// <summary>
/// scrypt (RFC 7914). Our own rather than BouncyCastle's: that one keeps V as N separate 1 KiB arrays, which
/// the GC copies between generations, so deriving one key cost about twice the 128 * r * N bytes scrypt needs
/// and dominated the memory peak of small commands. Here V is one array, and it is wiped and released at once.
/// </summary>
internal static class Scrypt
{
    /// <summary>How many BlockMix rounds run between two looks at the cancellation token (well under a millisecond).</summary>
    private const int CheckEvery = 1024;

    public static byte[] Derive(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int n, int r, int p, int length, CancellationToken ct = default)
    {
        var blockWords = 32 * r; // 128 * r bytes
        var b = Rfc2898DeriveBytes.Pbkdf2(password, salt, 1, HashAlgorithmName.SHA256, p * 128 * r);
        var x = new uint[blockWords];
        var y = new uint[blockWords];
        var v = GC.AllocateUninitializedArray<uint>(blockWords * n);
        try
        {
            for (var i = 0; i < p; i++) RoMix(b.AsSpan(i * 128 * r, 128 * r), n, r, x, y, v, ct);
            return Rfc2898DeriveBytes.Pbkdf2(password, b, 1, HashAlgorithmName.SHA256, length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()));
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()));
            CryptographicOperations.ZeroMemory(b);
        }
    }

    private static void RoMix(Span<byte> block, int n, int r, uint[] x, uint[] y, uint[] v, CancellationToken ct)
    {
        var words = 32 * r;
        for (var i = 0; i < words; i++) x[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(i * 4)..]);
        for (var i = 0; i < n; i++)
        {
            if (i % CheckEvery == 0) ct.ThrowIfCancellationRequested();
            x.CopyTo(v, i * words);
            BlockMix(x, y, r);
        }
        for (var i = 0; i < n; i++)
        {
            if (i % CheckEvery == 0) ct.ThrowIfCancellationRequested();
            var j = (int)(x[words - 16] & (uint)(n - 1)); // Integerify: first word of the last 64-byte block
            var vj = v.AsSpan(j * words, words);
            for (var k = 0; k < words; k++) x[k] ^= vj[k];
            BlockMix(x, y, r);
        }
        for (var i = 0; i < words; i++) BinaryPrimitives.WriteUInt32LittleEndian(block[(i * 4)..], x[i]);
    }

    /// <summary>BlockMix with Salsa20/8: even-indexed outputs first, then odd ones. Result back in <paramref name="b"/>.</summary>
    private static void BlockMix(uint[] b, uint[] y, int r)
    {
        Span<uint> t = stackalloc uint[16];
        b.AsSpan((2 * r - 1) * 16, 16).CopyTo(t);
        for (var i = 0; i < 2 * r; i++)
        {
            var bi = b.AsSpan(i * 16, 16);
            for (var k = 0; k < 16; k++) t[k] ^= bi[k];
            Salsa208(t);
            var dest = (i & 1) == 0 ? (i / 2) * 16 : (r + i / 2) * 16;
            t.CopyTo(y.AsSpan(dest, 16));
        }
        y.AsSpan(0, 32 * r).CopyTo(b);
    }

    private static void Salsa208(Span<uint> b)
    {
        uint x0 = b[0], x1 = b[1], x2 = b[2], x3 = b[3], x4 = b[4], x5 = b[5], x6 = b[6], x7 = b[7],
             x8 = b[8], x9 = b[9], x10 = b[10], x11 = b[11], x12 = b[12], x13 = b[13], x14 = b[14], x15 = b[15];
        for (var i = 0; i < 8; i += 2)
        {
            x4 ^= BitOperations.RotateLeft(x0 + x12, 7); x8 ^= BitOperations.RotateLeft(x4 + x0, 9);
            x12 ^= BitOperations.RotateLeft(x8 + x4, 13); x0 ^= BitOperations.RotateLeft(x12 + x8, 18);
            x9 ^= BitOperations.RotateLeft(x5 + x1, 7); x13 ^= BitOperations.RotateLeft(x9 + x5, 9);
            x1 ^= BitOperations.RotateLeft(x13 + x9, 13); x5 ^= BitOperations.RotateLeft(x1 + x13, 18);
            x14 ^= BitOperations.RotateLeft(x10 + x6, 7); x2 ^= BitOperations.RotateLeft(x14 + x10, 9);
            x6 ^= BitOperations.RotateLeft(x2 + x14, 13); x10 ^= BitOperations.RotateLeft(x6 + x2, 18);
            x3 ^= BitOperations.RotateLeft(x15 + x11, 7); x7 ^= BitOperations.RotateLeft(x3 + x15, 9);
            x11 ^= BitOperations.RotateLeft(x7 + x3, 13); x15 ^= BitOperations.RotateLeft(x11 + x7, 18);
            x1 ^= BitOperations.RotateLeft(x0 + x3, 7); x2 ^= BitOperations.RotateLeft(x1 + x0, 9);
            x3 ^= BitOperations.RotateLeft(x2 + x1, 13); x0 ^= BitOperations.RotateLeft(x3 + x2, 18);
            x6 ^= BitOperations.RotateLeft(x5 + x4, 7); x7 ^= BitOperations.RotateLeft(x6 + x5, 9);
            x4 ^= BitOperations.RotateLeft(x7 + x6, 13); x5 ^= BitOperations.RotateLeft(x4 + x7, 18);
            x11 ^= BitOperations.RotateLeft(x10 + x9, 7); x8 ^= BitOperations.RotateLeft(x11 + x10, 9);
            x9 ^= BitOperations.RotateLeft(x8 + x11, 13); x10 ^= BitOperations.RotateLeft(x9 + x8, 18);
            x12 ^= BitOperations.RotateLeft(x15 + x14, 7); x13 ^= BitOperations.RotateLeft(x12 + x15, 9);
            x14 ^= BitOperations.RotateLeft(x13 + x12, 13); x15 ^= BitOperations.RotateLeft(x14 + x13, 18);
        }
        b[0] += x0; b[1] += x1; b[2] += x2; b[3] += x3; b[4] += x4; b[5] += x5; b[6] += x6; b[7] += x7;
        b[8] += x8; b[9] += x9; b[10] += x10; b[11] += x11; b[12] += x12; b[13] += x13; b[14] += x14; b[15] += x15;
    }
}

using System.Security.Cryptography;

namespace Coffre.Repository.Crypto;

/// <summary>
/// A restic key: AES-256 encryption key plus Poly1305-AES MAC key (k, r). Seals as IV(16) || AES-256-CTR(P) || Poly1305-AES(CT)
/// (format doc 2.1). Immutable and thread-safe: per-thread AES/Poly1305 state lives in <see cref="AesCtr"/> and <see cref="Poly1305Aes"/>.
/// </summary>
public sealed class CryptoKey
{
    public const int Overhead = IvSize + Poly1305Aes.TagSize; // IV(16) + Poly1305 tag(16)
    public const int IvSize = 16;
    public const int EncryptSize = 32;
    public const int MacKeySize = 16;

    private readonly byte[] _encrypt;
    private readonly byte[] _macK;
    private readonly byte[] _macR; // stored as given (maybe unclamped); clamped when used

    public CryptoKey(ReadOnlySpan<byte> encrypt, ReadOnlySpan<byte> macK, ReadOnlySpan<byte> macR)
    {
        if (encrypt.Length != EncryptSize) throw new ArgumentException("the encryption key is 32 bytes", nameof(encrypt));
        if (macK.Length != MacKeySize) throw new ArgumentException("mac.k is 16 bytes", nameof(macK));
        if (macR.Length != MacKeySize) throw new ArgumentException("mac.r is 16 bytes", nameof(macR));
        _encrypt = encrypt.ToArray();
        _macK = macK.ToArray();
        _macR = macR.ToArray();
    }

    /// <summary>A fresh random key (r pre-clamped, like restic ≤ 0.16), never all-zero.</summary>
    public static CryptoKey NewRandom()
    {
        Span<byte> b = stackalloc byte[EncryptSize + 2 * MacKeySize];
        while (true)
        {
            RandomNumberGenerator.Fill(b);
            Poly1305Aes.Clamp(b[48..]);
            var key = new CryptoKey(b[..32], b[32..48], b[48..]);
            CryptographicOperations.ZeroMemory(b);
            if (key.IsValid) return key;
        }
    }

    /// <summary>From a 64-byte scrypt output: [0:32] encryption key, [32:48] mac.k, [48:64] mac.r.</summary>
    public static CryptoKey FromDerived(ReadOnlySpan<byte> key64)
    {
        if (key64.Length != 64) throw new ArgumentException("a derived key is 64 bytes", nameof(key64));
        return new CryptoKey(key64[..32], key64[32..48], key64[48..]);
    }

    public ReadOnlySpan<byte> Encrypt => _encrypt;
    public ReadOnlySpan<byte> MacK => _macK;
    public ReadOnlySpan<byte> MacR => _macR;

    internal byte[] EncryptionKeyArray => _encrypt;

    /// <summary>restic's Key.Valid(): the encryption key, mac.k and mac.r are each non-zero.</summary>
    public bool IsValid => !IsZero(_encrypt) && !IsZero(_macK) && !IsZero(_macR);

    /// <summary>Seals with a fresh random (never all-zero) IV. <paramref name="output"/> is exactly plaintext.Length + 32 and must not overlap the plaintext.</summary>
    public void Seal(ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        Span<byte> iv = stackalloc byte[IvSize];
        do IvPool.Next(iv); while (IsZero(iv));
        Seal(plaintext, output, iv);
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext)
    {
        var output = GC.AllocateUninitializedArray<byte>(plaintext.Length + Overhead);
        Seal(plaintext, output);
        return output;
    }

    /// <summary>Deterministic seal with the given IV (tests, vectors). restic refuses an all-zero IV, so does this.</summary>
    /// <remarks><paramref name="plaintext"/> may already sit at <c>output[16..^16]</c>: sealing in place is safe.</remarks>
    public void Seal(ReadOnlySpan<byte> plaintext, Span<byte> output, ReadOnlySpan<byte> iv)
    {
        if (iv.Length != IvSize) throw new ArgumentException("the IV is 16 bytes", nameof(iv));
        if (IsZero(iv)) throw new ArgumentException("the IV must not be all-zero", nameof(iv));
        if (output.Length != plaintext.Length + Overhead) throw new ArgumentException("output must be plaintext length + 32", nameof(output));
        if (!IsValid) throw new InvalidOperationException("cannot seal with an invalid (all-zero) key");

        var ctr = AesCtr.Current;
        var mac = Poly1305Aes.Current;
        ctr.Start(this, iv);
        mac.Init(_macK, _macR, iv);
        iv.CopyTo(output);

        // One pass per cache-sized piece: encrypt straight into the output, then MAC that piece while it is still in L2.
        byte[] ks = ctr.Buffer;
        Span<byte> ct = output.Slice(IvSize, plaintext.Length);
        for (int off = 0; off < plaintext.Length; off += AesCtr.ChunkSize)
        {
            int n = Math.Min(AesCtr.ChunkSize, plaintext.Length - off);
            ctr.Next(n);
            Span<byte> piece = ct.Slice(off, n);
            Xor.Apply(plaintext.Slice(off, n), ks, piece);
            mac.Update(piece);
        }
        mac.Final(output[^Poly1305Aes.TagSize..]);
    }

    /// <summary>
    /// Verifies the MAC (constant time) and only then decrypts into plaintext[0..sealedBox.Length-32].
    /// False when the box is shorter than 32 bytes, the MAC does not match or this key is invalid.
    /// </summary>
    /// <remarks><paramref name="plaintext"/> may be the ciphertext's own bytes (<c>sealedBox[16..^16]</c>): decrypting in place is safe.</remarks>
    public bool TryOpen(ReadOnlySpan<byte> sealedBox, Span<byte> plaintext)
    {
        if (sealedBox.Length < Overhead || !IsValid) return false;
        int length = sealedBox.Length - Overhead;
        if (plaintext.Length < length) throw new ArgumentException("plaintext buffer too small", nameof(plaintext));

        ReadOnlySpan<byte> iv = sealedBox[..IvSize];
        ReadOnlySpan<byte> ct = sealedBox.Slice(IvSize, length);

        // The whole ciphertext is authenticated before a single plaintext byte is written.
        var mac = Poly1305Aes.Current;
        mac.Init(_macK, _macR, iv);
        mac.Update(ct);
        Span<byte> tag = stackalloc byte[Poly1305Aes.TagSize];
        mac.Final(tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, sealedBox[^Poly1305Aes.TagSize..])) return false;

        var ctr = AesCtr.Current;
        ctr.Start(this, iv);
        byte[] ks = ctr.Buffer;
        for (int off = 0; off < length; off += AesCtr.ChunkSize)
        {
            int n = Math.Min(AesCtr.ChunkSize, length - off);
            ctr.Next(n);
            Xor.Apply(ct.Slice(off, n), ks.AsSpan(0, n), plaintext.Slice(off, n));
        }
        return true;
    }

    /// <exception cref="CryptographicException">the MAC does not verify (wrong key or corrupted data).</exception>
    public byte[] Open(ReadOnlySpan<byte> sealedBox)
    {
        var plaintext = GC.AllocateUninitializedArray<byte>(Math.Max(0, sealedBox.Length - Overhead));
        if (!TryOpen(sealedBox, plaintext)) throw new CryptographicException("ciphertext verification failed (MAC)");
        return plaintext;
    }

    private static bool IsZero(ReadOnlySpan<byte> b) => b.IndexOfAnyExcept((byte)0) < 0;

    /// <summary>
    /// Per-thread buffer of CSPRNG output for IVs: one RandomNumberGenerator call (about a microsecond, a syscall)
    /// per 256 IVs instead of per message. Every IV is handed out once and wiped from the buffer.
    /// </summary>
    private static class IvPool
    {
        private const int Size = 256 * IvSize;

        [ThreadStatic] private static byte[]? t_pool;
        [ThreadStatic] private static int t_next;

        public static void Next(Span<byte> iv)
        {
            byte[]? pool = t_pool;
            int next = t_next;
            if (pool is null || next > Size - IvSize)
            {
                pool = t_pool ??= new byte[Size];
                RandomNumberGenerator.Fill(pool);
                next = 0;
            }
            Span<byte> slot = pool.AsSpan(next, IvSize);
            slot.CopyTo(iv);
            slot.Clear();
            t_next = next + IvSize;
        }
    }
}

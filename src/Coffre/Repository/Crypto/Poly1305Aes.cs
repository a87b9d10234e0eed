using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Coffre.Repository.Crypto;

/// <summary>
/// Poly1305-AES (tag = Poly1305_r(msg) + AES-128_k(nonce)), one BouncyCastle instance per thread.
/// BouncyCastle 1.8.10 wants the 32-byte key as r || k (the reverse of restic's {K, R}); r is clamped here too because
/// restic may store unclamped r values (format doc 2.1, pitfall 14).
/// </summary>
internal sealed class Poly1305Aes
{
    public const int TagSize = 16;
    private const int StagingSize = 16 * 1024;

    [ThreadStatic] private static Poly1305Aes? t_current;

    public static Poly1305Aes Current => t_current ??= new Poly1305Aes();

    private readonly Poly1305 _mac = new(new AesEngine());
    private readonly byte[] _key = new byte[32];
    private readonly byte[] _nonce = new byte[16];
    private readonly byte[] _tag = new byte[TagSize];
    private readonly byte[] _staging = new byte[StagingSize]; // BouncyCastle 1.8 only accepts byte[]

    private Poly1305Aes() { }

    public static void Clamp(Span<byte> r)
    {
        r[3] &= 0x0f; r[7] &= 0x0f; r[11] &= 0x0f; r[15] &= 0x0f;
        r[4] &= 0xfc; r[8] &= 0xfc; r[12] &= 0xfc;
    }

    public void Init(ReadOnlySpan<byte> macK, ReadOnlySpan<byte> macR, ReadOnlySpan<byte> nonce)
    {
        macR.CopyTo(_key);
        Clamp(_key);
        macK.CopyTo(_key.AsSpan(16));
        nonce.CopyTo(_nonce);
        _mac.Init(new ParametersWithIV(new KeyParameter(_key), _nonce)); // both copy their arrays
        Array.Clear(_key);
    }

    public void Update(byte[] buffer, int offset, int count) => _mac.BlockUpdate(buffer, offset, count);

    public void Update(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int n = Math.Min(data.Length, StagingSize);
            data[..n].CopyTo(_staging);
            _mac.BlockUpdate(_staging, 0, n);
            data = data[n..];
        }
    }

    /// <summary>Writes the tag and resets the MAC (it must be re-initialised before the next message).</summary>
    public void Final(Span<byte> tag)
    {
        _mac.DoFinal(_tag, 0);
        _tag.CopyTo(tag);
    }

    /// <summary>One-shot tag, for tests and small messages.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> macK, ReadOnlySpan<byte> macR, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> message)
    {
        var p = Current;
        p.Init(macK, macR, nonce);
        p.Update(message);
        var tag = new byte[TagSize];
        p.Final(tag);
        return tag;
    }
}

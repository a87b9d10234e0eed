using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Coffre.Repository.Crypto;

/// <summary>
/// Poly1305-AES as restic uses it: tag = Poly1305(r, s = AES-128_k(nonce)) over the ciphertext, with restic's key
/// {k, r}. r is clamped here because restic may store unclamped r values (format doc 2.1, pitfall 14).
/// One instance per thread (<see cref="Current"/>); the AES-128 key schedule for k is kept while k stays the same.
/// s is one AES block per message: with AES-NI it is computed inline (~20 ns), else through a cached .NET ECB
/// transform (~200 ns, a call into OpenSSL).
/// </summary>
internal sealed class Poly1305Aes
{
    public const int TagSize = Poly1305.TagSize;

    [ThreadStatic] private static Poly1305Aes? t_current;

    public static Poly1305Aes Current => t_current ??= new Poly1305Aes();

    private readonly Poly1305 _poly = new();
    private readonly byte[] _k = new byte[16];     // the mac.k the key schedule is for
    private bool _haveKey;
    private readonly byte[] _s = new byte[16];
    private readonly Vector128<byte>[] _roundKeys = X86Aes.IsSupported ? new Vector128<byte>[11] : [];
    private readonly System.Security.Cryptography.Aes? _aes;
    private readonly byte[] _nonce = new byte[16];
    private ICryptoTransform? _ecb;                // without AES-NI: AES-128-ECB(k), reused (ECB has no chaining state)

    private Poly1305Aes()
    {
        if (!X86Aes.IsSupported)
        {
            _aes = System.Security.Cryptography.Aes.Create();
            _aes.Mode = CipherMode.ECB;
            _aes.Padding = PaddingMode.None;
        }
    }

    /// <summary>Whether s is computed with AES-NI (tests cross-check both paths against .NET's AES).</summary>
    internal static bool UsesAesNi => X86Aes.IsSupported;

    public static void Clamp(Span<byte> r)
    {
        r[3] &= 0x0f; r[7] &= 0x0f; r[11] &= 0x0f; r[15] &= 0x0f;
        r[4] &= 0xfc; r[8] &= 0xfc; r[12] &= 0xfc;
    }

    public void Init(ReadOnlySpan<byte> macK, ReadOnlySpan<byte> macR, ReadOnlySpan<byte> nonce)
    {
        if (macK.Length != 16 || macR.Length != 16 || nonce.Length != 16) throw new ArgumentException("mac.k, mac.r and the nonce are 16 bytes each");
        if (!_haveKey || !macK.SequenceEqual(_k))
        {
            macK.CopyTo(_k);
            SetKey();
            _haveKey = true;
        }
        EncryptBlock(nonce, _s);
        _poly.Init(macR, _s);
        CryptographicOperations.ZeroMemory(_s);
    }

    private void SetKey()
    {
        if (X86Aes.IsSupported)
        {
            ExpandKey128(Vector128.Create(_k), _roundKeys);
        }
        else
        {
            _ecb?.Dispose();
            _ecb = _aes!.CreateEncryptor(_k, null);
        }
    }

    private void EncryptBlock(ReadOnlySpan<byte> block, Span<byte> output)
    {
        if (X86Aes.IsSupported)
        {
            Vector128<byte>[] rk = _roundKeys;
            Vector128<byte> x = Vector128.Create(block) ^ rk[0];
            for (int i = 1; i < 10; i++) x = X86Aes.Encrypt(x, rk[i]);
            X86Aes.EncryptLast(x, rk[10]).CopyTo(output);
        }
        else
        {
            block.CopyTo(_nonce);
            if (_ecb!.TransformBlock(_nonce, 0, 16, _s, 0) != 16) throw new CryptographicException("AES-128 did not produce a block");
            _s.CopyTo(output);
        }
    }

    /// <summary>The AES-128 key schedule (FIPS-197 §5.2) with AESKEYGENASSIST; the round constants must be immediates.</summary>
    private static void ExpandKey128(Vector128<byte> key, Vector128<byte>[] rk)
    {
        rk[0] = key;
        rk[1] = key = Expand(key, X86Aes.KeygenAssist(key, 0x01));
        rk[2] = key = Expand(key, X86Aes.KeygenAssist(key, 0x02));
        rk[3] = key = Expand(key, X86Aes.KeygenAssist(key, 0x04));
        rk[4] = key = Expand(key, X86Aes.KeygenAssist(key, 0x08));
        rk[5] = key = Expand(key, X86Aes.KeygenAssist(key, 0x10));
        rk[6] = key = Expand(key, X86Aes.KeygenAssist(key, 0x20));
        rk[7] = key = Expand(key, X86Aes.KeygenAssist(key, 0x40));
        rk[8] = key = Expand(key, X86Aes.KeygenAssist(key, 0x80));
        rk[9] = key = Expand(key, X86Aes.KeygenAssist(key, 0x1b));
        rk[10] = Expand(key, X86Aes.KeygenAssist(key, 0x36));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Expand(Vector128<byte> key, Vector128<byte> assist)
    {
        assist = Sse2.Shuffle(assist.AsUInt32(), 0xff).AsByte(); // RotWord(SubWord(w3)) ^ rcon in every word
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ assist;
    }

    public void Update(ReadOnlySpan<byte> data) => _poly.Update(data);

    /// <summary>Writes the tag; the MAC must be re-initialised before the next message.</summary>
    public void Final(Span<byte> tag) => _poly.Final(tag);

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

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Coffre.Repository.Crypto;

/// <summary>
/// AES-256-CTR keystream, one instance per thread (Aes objects are not thread-safe). The counter is the whole
/// 16-byte block incremented as a 128-bit big-endian integer, like Go's cipher.NewCTR. .NET has no CTR mode, so
/// counter blocks are encrypted with ECB in <see cref="ChunkSize"/> batches.
/// </summary>
internal sealed class AesCtr
{
    public const int ChunkSize = 64 * 1024;

    [ThreadStatic] private static AesCtr? t_current;

    public static AesCtr Current => t_current ??= new AesCtr();

    private readonly byte[] _counters = GC.AllocateUninitializedArray<byte>(ChunkSize);
    private readonly byte[] _keystream = GC.AllocateUninitializedArray<byte>(ChunkSize);
    private readonly Aes _aes = Aes.Create();
    private CryptoKey? _owner; // the key _aes is currently set to (re-keying only when another key is used)
    private ulong _hi, _lo;

    private AesCtr() { }

    /// <summary>The buffer <see cref="Next"/> fills; callers may overwrite it until the next call.</summary>
    public byte[] Buffer => _keystream;

    public void Start(CryptoKey key, ReadOnlySpan<byte> iv)
    {
        if (!ReferenceEquals(_owner, key))
        {
            _aes.Key = key.EncryptionKeyArray;
            _owner = key;
        }
        _hi = BinaryPrimitives.ReadUInt64BigEndian(iv);
        _lo = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
    }

    /// <summary>Produces the next <paramref name="length"/> (≤ <see cref="ChunkSize"/>) keystream bytes into <see cref="Buffer"/>[0..length].
    /// Only the last call of a message may ask for a length that is not a multiple of 16.</summary>
    public void Next(int length)
    {
        int bytes = (length + 15) & ~15;
        Span<byte> counters = _counters.AsSpan(0, bytes);
        for (int off = 0; off < bytes; off += 16)
        {
            BinaryPrimitives.WriteUInt64BigEndian(counters[off..], _hi);
            BinaryPrimitives.WriteUInt64BigEndian(counters[(off + 8)..], _lo);
            if (++_lo == 0) _hi++;
        }
        _aes.EncryptEcb(counters, _keystream.AsSpan(0, bytes), PaddingMode.None);
    }
}

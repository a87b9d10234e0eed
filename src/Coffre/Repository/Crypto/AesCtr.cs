using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Coffre.Repository.Crypto;

/// <summary>
/// AES-256-CTR keystream, one instance per thread (AES objects are not thread-safe). The counter is the whole
/// 16-byte block incremented as a 128-bit big-endian integer, like Go's cipher.NewCTR. .NET has no CTR mode, so
/// counter blocks are encrypted with a reused AES-ECB transform in <see cref="ChunkSize"/> batches (no allocation per call).
/// </summary>
internal sealed class AesCtr
{
    public const int ChunkSize = 64 * 1024;

    [ThreadStatic] private static AesCtr? t_current;

    public static AesCtr Current => t_current ??= new AesCtr();

    private readonly byte[] _counters = GC.AllocateUninitializedArray<byte>(ChunkSize);
    private readonly byte[] _keystream = GC.AllocateUninitializedArray<byte>(ChunkSize);
    private readonly Aes _aes = Aes.Create();
    private ICryptoTransform? _ecb;
    private CryptoKey? _owner; // the key _ecb is keyed with (re-keying only when another key is used)
    private ulong _hi, _lo;

    private AesCtr()
    {
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
    }

    /// <summary>The buffer <see cref="Next"/> fills; callers may overwrite it until the next call.</summary>
    public byte[] Buffer => _keystream;

    public void Start(CryptoKey key, ReadOnlySpan<byte> iv)
    {
        if (_ecb is null || !ReferenceEquals(_owner, key))
        {
            _ecb?.Dispose();
            _ecb = _aes.CreateEncryptor(key.EncryptionKeyArray, null);
            _owner = key;
        }
        _hi = BinaryPrimitives.ReadUInt64BigEndian(iv);
        _lo = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
    }

    /// <summary>Produces the next <paramref name="length"/> (≤ <see cref="ChunkSize"/>) keystream bytes into <see cref="Buffer"/>[0..length]
    /// (rounded up to whole blocks). Only the last call of a message may ask for a length that is not a multiple of 16.</summary>
    public void Next(int length)
    {
        if ((uint)length > ChunkSize) throw new ArgumentOutOfRangeException(nameof(length));
        if (_ecb is null) throw new InvalidOperationException("Start first");
        int bytes = (length + 15) & ~15;
        if (bytes == 0) return;

        // Counter blocks as native (hi, lo) word pairs, then one vectorised byte swap to big-endian.
        int blocks = bytes / 16;
        ref ulong dst = ref Unsafe.As<byte, ulong>(ref MemoryMarshal.GetArrayDataReference(_counters));
        ulong hi = _hi, lo = _lo;
        if (lo <= ulong.MaxValue - (ulong)blocks) // no carry into hi within this batch (all but astronomically rare IVs)
        {
            var counter = Vector128.Create(hi, lo);
            var one = Vector128.Create(0UL, 1UL);
            for (int i = 0; i < blocks; i++)
            {
                counter.StoreUnsafe(ref dst, 2 * (nuint)i);
                counter += one;
            }
            lo += (ulong)blocks;
        }
        else
        {
            for (int i = 0; i < blocks; i++)
            {
                Vector128.Create(hi, lo).StoreUnsafe(ref dst, 2 * (nuint)i);
                if (++lo == 0) hi++;
            }
        }
        _hi = hi;
        _lo = lo;
        if (BitConverter.IsLittleEndian)
        {
            Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(_counters.AsSpan(0, bytes));
            BinaryPrimitives.ReverseEndianness(words, words);
        }
        if (_ecb.TransformBlock(_counters, 0, bytes, _keystream, 0) != bytes) throw new CryptographicException("AES-ECB returned a short keystream");
    }
}

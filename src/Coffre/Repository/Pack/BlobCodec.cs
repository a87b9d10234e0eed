using System.Buffers;
using System.Security.Cryptography;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository.Compression;
using Coffre.Repository.Crypto;

namespace Coffre.Repository.Pack;

/// <summary>
/// Turns a blob's plaintext into its stored form (zstd, then sealed) and back, verifying MAC, length and hash.
/// Buffers are rented from the array pool; the caller returns them.
/// </summary>
public static class BlobCodec
{
    /// <summary>One worker's encoding buffers, big enough for any chunk (8 MiB).</summary>
    public sealed class EncodeBuffers
    {
        public byte[] Sealed { get; } = GC.AllocateUninitializedArray<byte>(Zstd.CompressBound(Chunking.Chunker.MaxSize) + CryptoKey.Overhead);
    }

    /// <summary>An encoded blob: <c>Buffer[0..Length)</c> is the sealed box; return Buffer to the pool.</summary>
    public readonly record struct Encoded(byte[] Buffer, int Length, uint UncompressedLength);

    /// <summary>
    /// Compresses (when it makes the blob smaller) and seals. Empty blobs stay
    /// uncompressed: an uncompressed length of 0 means "not compressed" in the format.
    /// </summary>
    public static Encoded Encode(CryptoKey key, ReadOnlySpan<byte> plain, bool compress)
    {
        if (!compress || plain.Length == 0)
        {
            var raw = BufferPool.Instance.Rent(plain.Length + CryptoKey.Overhead);
            key.Seal(plain, raw.AsSpan(0, plain.Length + CryptoKey.Overhead));
            return new Encoded(raw, plain.Length + CryptoKey.Overhead, 0);
        }
        var zbuf = BufferPool.Instance.Rent(Zstd.CompressBound(plain.Length));
        try
        {
            var zlen = Zstd.Compress(plain, zbuf);
            // Incompressible data (photos, archives) is stored as is: same size, no decompression on restore.
            if (zlen >= plain.Length) return Encode(key, plain, compress: false);
            var outBuf = BufferPool.Instance.Rent(zlen + CryptoKey.Overhead);
            key.Seal(zbuf.AsSpan(0, zlen), outBuf.AsSpan(0, zlen + CryptoKey.Overhead));
            return new Encoded(outBuf, zlen + CryptoKey.Overhead, (uint)plain.Length);
        }
        finally
        {
            BufferPool.Instance.Return(zbuf);
        }
    }

    /// <summary>
    /// Compresses and seals into a worker's own buffers (sized for the largest chunk), for the hot path: no pool,
    /// so memory stays fixed whatever the mix of chunk sizes. Returns the sealed length and the uncompressed
    /// length to record (0 when stored uncompressed); the sealed box is <c>buffers.Sealed[0..length)</c>.
    /// </summary>
    public static (int Length, uint UncompressedLength) Encode(CryptoKey key, ReadOnlySpan<byte> plain, EncodeBuffers buffers)
    {
        if (plain.Length > 0)
        {
            // Compress straight to where the ciphertext goes, then seal in place: one buffer, no copy.
            var body = buffers.Sealed.AsSpan(16, buffers.Sealed.Length - CryptoKey.Overhead);
            var zlen = Zstd.Compress(plain, body);
            if (zlen < plain.Length)
            {
                key.Seal(body[..zlen], buffers.Sealed.AsSpan(0, zlen + CryptoKey.Overhead));
                return (zlen + CryptoKey.Overhead, (uint)plain.Length);
            }
        }
        key.Seal(plain, buffers.Sealed.AsSpan(0, plain.Length + CryptoKey.Overhead));
        return (plain.Length + CryptoKey.Overhead, 0);
    }

    /// <summary>One reader's buffers, big enough for any blob: the sealed bytes (decrypted in place) and the plaintext.</summary>
    public sealed class DecodeBuffers
    {
        public byte[] Sealed { get; } = GC.AllocateUninitializedArray<byte>(Zstd.CompressBound(Chunking.Chunker.MaxSize) + CryptoKey.Overhead);
        public byte[] Plain { get; } = GC.AllocateUninitializedArray<byte>(Chunking.Chunker.MaxSize);
    }

    /// <summary>
    /// Opens the sealed blob in <c>buffers.Sealed[0..sealedLength)</c> and checks it (MAC, length, SHA-256);
    /// returns the plaintext, which lives in one of the buffers until their next use.
    /// </summary>
    public static ReadOnlyMemory<byte> Decode(CryptoKey key, DecodeBuffers buffers, int sealedLength, in IndexBlob entry)
    {
        var ctLen = sealedLength - CryptoKey.Overhead;
        if (ctLen < 0) throw new InvalidDataException($"blob {entry.Id.ToShortString()} is truncated");
        var inPlace = buffers.Sealed.AsMemory(16, ctLen);
        if (!key.TryOpen(buffers.Sealed.AsSpan(0, sealedLength), inPlace.Span))
            throw new InvalidDataException($"blob {entry.Id.ToShortString()} fails its MAC check (damaged data)");
        var plain = inPlace;
        if (entry.UncompressedLength != 0)
        {
            if (entry.UncompressedLength > buffers.Plain.Length)
                throw new InvalidDataException($"blob {entry.Id.ToShortString()} claims {entry.UncompressedLength} bytes, more than any chunk");
            int n;
            try { n = Zstd.Decompress(inPlace.Span, buffers.Plain.AsSpan(0, (int)entry.UncompressedLength)); }
            catch (InvalidDataException e) { throw new InvalidDataException($"blob {entry.Id.ToShortString()} does not decompress: {e.Message}", e); }
            if (n != entry.UncompressedLength)
                throw new InvalidDataException($"blob {entry.Id.ToShortString()} decompresses to {n} bytes, expected {entry.UncompressedLength}");
            plain = buffers.Plain.AsMemory(0, n);
        }
        if (BlobId.Hash(plain.Span) != entry.Id)
            throw new InvalidDataException($"blob {entry.Id.ToShortString()} does not match its hash (damaged data)");
        return plain;
    }

    /// <summary>
    /// Opens a sealed blob into a pooled buffer and checks it: MAC, decompressed length, SHA-256 == ID.
    /// Returns the plaintext length; throws <see cref="InvalidDataException"/> naming the blob when damaged.
    /// </summary>
    public static int Decode(CryptoKey key, ReadOnlySpan<byte> sealedBlob, in IndexBlob entry, out byte[] plainBuffer)
    {
        var ctLen = sealedBlob.Length - CryptoKey.Overhead;
        if (ctLen < 0) throw new InvalidDataException($"blob {entry.Id.ToShortString()} is truncated");
        var ct = BufferPool.Instance.Rent(Math.Max(ctLen, 1));
        byte[]? result = null;
        try
        {
            if (!key.TryOpen(sealedBlob, ct.AsSpan(0, ctLen)))
                throw new InvalidDataException($"blob {entry.Id.ToShortString()} fails its MAC check (damaged data)");
            int plainLen;
            if (entry.UncompressedLength == 0)
            {
                result = ct;
                ct = null!;
                plainLen = ctLen;
            }
            else
            {
                result = BufferPool.Instance.Rent((int)entry.UncompressedLength);
                try { plainLen = Zstd.Decompress(ct.AsSpan(0, ctLen), result.AsSpan(0, (int)entry.UncompressedLength)); }
                catch (InvalidDataException e) { throw new InvalidDataException($"blob {entry.Id.ToShortString()} does not decompress: {e.Message}", e); }
                if (plainLen != entry.UncompressedLength)
                    throw new InvalidDataException($"blob {entry.Id.ToShortString()} decompresses to {plainLen} bytes, expected {entry.UncompressedLength}");
            }
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(result.AsSpan(0, plainLen), hash);
            if (new BlobId(hash) != entry.Id)
                throw new InvalidDataException($"blob {entry.Id.ToShortString()} does not match its hash (damaged data)");
            plainBuffer = result;
            result = null;
            return plainLen;
        }
        finally
        {
            if (ct is not null) BufferPool.Instance.Return(ct);
            if (result is not null) BufferPool.Instance.Return(result);
        }
    }
}

using Coffre.Model;
using Coffre.Repository.Compression;
using Coffre.Repository.Crypto;

namespace Coffre.Maintenance.Copy;

/// <summary>
/// Moves one stored blob from a repository's key to another's without compressing it again: the sealed box is
/// opened with the source key and checked (MAC, decompressed length, SHA-256 of the plaintext), then the same stored
/// bytes (compressed or not) are sealed with the destination key, in place. Sealing adds 32 bytes whatever the key,
/// so the blob keeps its length and its index entry's lengths.
/// </summary>
internal static class BlobResealer
{
    /// <summary>Reseals <paramref name="box"/> in place; returns the blob's plaintext length.</summary>
    /// <exception cref="InvalidDataException">the blob is damaged (MAC, length or hash), or says it is larger than any chunk.</exception>
    public static int Reseal(Span<byte> box, in IndexBlob blob, CryptoKey from, CryptoKey to)
    {
        if (box.Length < CryptoKey.Overhead) throw new InvalidDataException($"blob {blob.Id.ToShortString()} is truncated");
        var inner = box[CryptoKey.IvSize..^16];
        if (!from.TryOpen(box, inner))
            throw new InvalidDataException($"blob {blob.Id.ToShortString()} fails its MAC check (damaged data)");
        var plainLength = Verify(inner, blob);
        to.Seal(inner, box);
        return plainLength;
    }

    private static int Verify(ReadOnlySpan<byte> stored, in IndexBlob blob)
    {
        if (!blob.IsCompressed)
        {
            if (BlobId.Hash(stored) != blob.Id) throw Damaged(blob);
            return stored.Length;
        }
        if (blob.UncompressedLength > Chunking.Chunker.MaxSize)
            throw new InvalidDataException($"blob {blob.Id.ToShortString()} says it is {blob.UncompressedLength} bytes, larger than any chunk (damaged index)");
        var plain = BufferPool.Instance.Rent((int)blob.UncompressedLength);
        try
        {
            int n;
            try { n = Zstd.Decompress(stored, plain.AsSpan(0, (int)blob.UncompressedLength)); }
            catch (InvalidDataException) { throw Damaged(blob); }
            if (n != blob.UncompressedLength || BlobId.Hash(plain.AsSpan(0, n)) != blob.Id) throw Damaged(blob);
            return n;
        }
        finally
        {
            BufferPool.Instance.Return(plain);
        }
    }

    private static InvalidDataException Damaged(in IndexBlob blob) =>
        new($"blob {blob.Id.ToShortString()} does not match its hash (damaged data)");
}

using System.Buffers.Binary;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository.Crypto;

namespace Coffre.Repository.Pack;

/// <summary>
/// The pack header (format doc §5): one entry per blob in file order, sealed, followed by its sealed length as
/// u32le. Offsets are implicit (the running sum of lengths).
/// </summary>
public static class PackHeader
{
    public const int PlainEntrySize = 1 + 4 + 32;
    public const int CompressedEntrySize = 1 + 4 + 4 + 32;
    public const int MaxHeaderSize = 16 * 1024 * 1024;

    public static int EntrySize(in IndexBlob b) => b.UncompressedLength == 0 ? PlainEntrySize : CompressedEntrySize;

    /// <summary>The size a pack must have for these blobs, as restic's checker computes it.</summary>
    public static long PackSize(IEnumerable<IndexBlob> blobs)
    {
        long size = CryptoKey.Overhead + 4;
        foreach (var b in blobs) size += b.Length + EntrySize(b);
        return size;
    }

    public static byte[] Encode(IReadOnlyList<IndexBlob> blobs)
    {
        var size = 0;
        foreach (var b in blobs) size += EntrySize(b);
        var buf = new byte[size];
        var p = 0;
        foreach (var b in blobs)
        {
            var compressed = b.UncompressedLength != 0;
            buf[p] = (byte)((compressed ? 2 : 0) + (b.Type == BlobType.Tree ? 1 : 0));
            BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(p + 1), b.Length);
            p += 5;
            if (compressed)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(p), b.UncompressedLength);
                p += 4;
            }
            b.Id.WriteTo(buf.AsSpan(p));
            p += 32;
        }
        return buf;
    }

    /// <summary>
    /// Decodes a decrypted header into blobs with their offsets. Every length is checked
    /// (<see cref="IndexJson.CheckBounds"/>) and, when <paramref name="dataSize"/> is given, the blobs must fit in
    /// the pack's data part (its size less the header).
    /// </summary>
    public static List<IndexBlob> Decode(ReadOnlySpan<byte> plain, long? dataSize = null)
    {
        var list = new List<IndexBlob>();
        ulong offset = 0;
        var p = 0;
        while (p < plain.Length)
        {
            var t = plain[p];
            if (t > 3) throw new InvalidDataException($"pack header: invalid blob type {t}");
            var compressed = t >= 2;
            var need = compressed ? CompressedEntrySize : PlainEntrySize;
            if (p + need > plain.Length) throw new InvalidDataException("pack header: truncated entry");
            var len = BinaryPrimitives.ReadUInt32LittleEndian(plain[(p + 1)..]);
            var ulen = compressed ? BinaryPrimitives.ReadUInt32LittleEndian(plain[(p + 5)..]) : 0u;
            var id = new BlobId(plain.Slice(p + need - 32, 32));
            if (offset > uint.MaxValue) throw new InvalidDataException($"pack header: blob {id.ToShortString()} starts beyond what a pack can hold (4 GiB)");
            var blob = new IndexBlob(id, (t & 1) == 1 ? BlobType.Tree : BlobType.Data, (uint)offset, len, ulen);
            if (IndexJson.CheckBounds(blob) is { } problem) throw new InvalidDataException($"pack header: {problem}");
            offset += len;
            if (dataSize is { } limit && (long)offset > limit)
                throw new InvalidDataException($"pack header: blob {id.ToShortString()} ends at {offset}, beyond the {limit} bytes of data the pack has");
            list.Add(blob);
            p += need;
        }
        return list;
    }

    /// <summary>Decrypts the header of a whole pack held in memory.</summary>
    public static List<IndexBlob> ReadFromPack(ReadOnlySpan<byte> pack, BlobId packId, CryptoKey key)
    {
        if (pack.Length < 4 + CryptoKey.Overhead) throw new InvalidDataException($"pack {packId.ToShortString()} is too short ({pack.Length} bytes)");
        var hlen = BinaryPrimitives.ReadUInt32LittleEndian(pack[^4..]);
        if (hlen < CryptoKey.Overhead || hlen > pack.Length - 4 || hlen > MaxHeaderSize)
            throw new InvalidDataException($"pack {packId.ToShortString()}: invalid header length {hlen}");
        var sealedHeader = pack.Slice(pack.Length - 4 - (int)hlen, (int)hlen);
        var plain = new byte[hlen - CryptoKey.Overhead];
        if (!key.TryOpen(sealedHeader, plain))
            throw new InvalidDataException($"pack {packId.ToShortString()}: header fails its MAC check (damaged pack)");
        return Decode(plain, pack.Length - 4 - hlen);
    }

    /// <summary>Reads and decrypts the header at the end of a pack of the given size.</summary>
    public static async Task<List<IndexBlob>> ReadAsync(Storage.IStorageBackend backend, BlobId packId, long packSize, CryptoKey key, CancellationToken ct)
    {
        var handle = new Storage.StorageHandle(Storage.FileType.Pack, packId.ToString());
        if (packSize < 4 + CryptoKey.Overhead) throw new InvalidDataException($"pack {packId.ToShortString()} is too short ({packSize} bytes)");
        var lenBuf = new byte[4];
        if (await backend.ReadAtAsync(handle, packSize - 4, lenBuf, ct).ConfigureAwait(false) != 4)
            throw new InvalidDataException($"pack {packId.ToShortString()} is truncated");
        var hlen = BinaryPrimitives.ReadUInt32LittleEndian(lenBuf);
        if (hlen < CryptoKey.Overhead || hlen > packSize - 4 || hlen > MaxHeaderSize)
            throw new InvalidDataException($"pack {packId.ToShortString()}: invalid header length {hlen}");
        var sealedHeader = new byte[hlen];
        if (await backend.ReadAtAsync(handle, packSize - 4 - hlen, sealedHeader, ct).ConfigureAwait(false) != hlen)
            throw new InvalidDataException($"pack {packId.ToShortString()} is truncated");
        var plain = new byte[hlen - CryptoKey.Overhead];
        if (!key.TryOpen(sealedHeader, plain))
            throw new InvalidDataException($"pack {packId.ToShortString()}: header fails its MAC check (damaged pack)");
        return Decode(plain, packSize - 4 - hlen);
    }
}

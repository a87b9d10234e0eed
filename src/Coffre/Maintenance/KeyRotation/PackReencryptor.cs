using System.Buffers.Binary;
using System.Security.Cryptography;
using Coffre.Model;
using Coffre.Repository.Compression;
using Coffre.Repository.Crypto;
using Coffre.Repository.Pack;
using Coffre.Storage;

namespace Coffre.Maintenance.KeyRotation;

/// <summary>
/// Re-encrypts one pack under a new master key. Each blob is opened with the old key and checked (MAC,
/// decompressed length, SHA-256), then its stored bytes (compressed or not, unchanged) are sealed again with the
/// new key; the header is sealed with the new key. Sealing adds the same 32 bytes whatever the key, so the new
/// pack has exactly the old layout (same offsets and lengths) and only its name changes.
/// </summary>
public static class PackReencryptor
{
    /// <summary>Writes the re-encrypted copy of <paramref name="oldPack"/> beside it and returns its ID.</summary>
    public static async Task<BlobId> RewriteAsync(IStorageBackend backend, BlobId oldPack, long size, CryptoKey oldKey, CryptoKey newKey, CancellationToken ct)
    {
        var blobs = await PackHeader.ReadAsync(backend, oldPack, size, oldKey, ct).ConfigureAwait(false);
        var header = PackHeader.Encode(blobs);
        var described = blobs.Sum(b => (long)b.Length) + header.Length + CryptoKey.Overhead + 4;
        if (described != size)
            throw new InvalidDataException($"pack {oldPack.ToShortString()} is {size} bytes but its header describes {described}: run 'coffre check --read-data'");

        using var area = new StagingArea(backend.Properties);
        var staging = Path.Combine(area.Folder, $"{RotationStore.StagingFilePrefix}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-tmp");
        try
        {
            BlobId newId;
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            await using (var output = new FileStream(staging, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                BufferSize = 1 << 20,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                await using (var input = await backend.OpenReadAsync(new StorageHandle(FileType.Pack, oldPack.ToString()), ct).ConfigureAwait(false))
                {
                    foreach (var blob in blobs)
                    {
                        var box = BufferPool.Instance.Rent((int)blob.Length);
                        try
                        {
                            await input.ReadExactlyAsync(box.AsMemory(0, (int)blob.Length), ct).ConfigureAwait(false);
                            Reseal(box.AsSpan(0, (int)blob.Length), blob, oldKey, newKey);
                            await output.WriteAsync(box.AsMemory(0, (int)blob.Length), ct).ConfigureAwait(false);
                            hash.AppendData(box, 0, (int)blob.Length);
                        }
                        finally
                        {
                            BufferPool.Instance.Return(box);
                        }
                    }
                }
                var tail = new byte[header.Length + CryptoKey.Overhead + 4];
                newKey.Seal(header, tail.AsSpan(0, header.Length + CryptoKey.Overhead));
                BinaryPrimitives.WriteUInt32LittleEndian(tail.AsSpan(tail.Length - 4), (uint)(header.Length + CryptoKey.Overhead));
                await output.WriteAsync(tail, ct).ConfigureAwait(false);
                hash.AppendData(tail);
                await output.FlushAsync(ct).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
                newId = new BlobId(hash.GetHashAndReset());
            }
            // The same stored bytes under a new random IV: the name cannot collide with the old pack's.
            await backend.SaveAsync(new StorageHandle(FileType.Pack, newId.ToString()), new StagedFileSource(staging, size), ct).ConfigureAwait(false);
            return newId;
        }
        finally
        {
            if (File.Exists(staging)) File.Delete(staging);
        }
    }

    /// <summary>Opens <paramref name="box"/> with the old key, checks the blob, and seals the same stored bytes with the new key, in place.</summary>
    private static void Reseal(Span<byte> box, in IndexBlob blob, CryptoKey oldKey, CryptoKey newKey)
    {
        if (box.Length < CryptoKey.Overhead) throw new InvalidDataException($"blob {blob.Id.ToShortString()} is truncated");
        var inner = box[CryptoKey.IvSize..^16];
        if (!oldKey.TryOpen(box, inner))
            throw new InvalidDataException($"blob {blob.Id.ToShortString()} fails its MAC check (damaged data): run 'coffre check --read-data'");
        Verify(inner, blob);
        newKey.Seal(inner, box);
    }

    private static void Verify(ReadOnlySpan<byte> stored, in IndexBlob blob)
    {
        if (!blob.IsCompressed)
        {
            if (BlobId.Hash(stored) != blob.Id) throw Damaged(blob);
            return;
        }
        var plain = BufferPool.Instance.Rent((int)blob.UncompressedLength);
        try
        {
            int n;
            try { n = Zstd.Decompress(stored, plain.AsSpan(0, (int)blob.UncompressedLength)); }
            catch (InvalidDataException) { throw Damaged(blob); }
            if (n != blob.UncompressedLength || BlobId.Hash(plain.AsSpan(0, n)) != blob.Id) throw Damaged(blob);
        }
        finally
        {
            BufferPool.Instance.Return(plain);
        }
    }

    private static InvalidDataException Damaged(in IndexBlob blob) =>
        new($"blob {blob.Id.ToShortString()} does not match its hash (damaged data): run 'coffre check --read-data'");

    /// <summary>Reads a new pack back: its bytes must hash to its name and its header must open with the new key.</summary>
    public static async Task<List<IndexBlob>> VerifyAsync(IStorageBackend backend, BlobId pack, CryptoKey newKey, CancellationToken ct)
    {
        var handle = new StorageHandle(FileType.Pack, pack.ToString());
        var size = await backend.StatAsync(handle, ct).ConfigureAwait(false)
            ?? throw new InvalidDataException($"the re-encrypted pack {pack.ToShortString()} is missing");
        byte[] digest;
        await using (var input = await backend.OpenReadAsync(handle, ct).ConfigureAwait(false))
            digest = await SHA256.HashDataAsync(input, ct).ConfigureAwait(false);
        if (new BlobId(digest) != pack) throw new InvalidDataException($"the re-encrypted pack {pack.ToShortString()} does not match its name");
        return await PackHeader.ReadAsync(backend, pack, size, newKey, ct).ConfigureAwait(false);
    }
}

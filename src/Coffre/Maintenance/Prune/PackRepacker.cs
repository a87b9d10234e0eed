using Coffre.Model;
using Coffre.Repository;
using Coffre.Repository.Pack;
using Coffre.Storage;

namespace Coffre.Maintenance.Prune;

/// <summary>
/// Copies the needed blobs of partly used packs into new packs, through the same <see cref="RepositoryWriter"/>
/// as a backup: new packs are stored, then an index file describing them. Each blob is verified (MAC, length,
/// SHA-256) before it is copied, and copied as stored (still sealed and compressed): nothing is re-encoded.
/// </summary>
public static class PackRepacker
{
    public static async Task RepackAsync(Repository.Repository repo, IReadOnlyDictionary<BlobId, IReadOnlyList<IndexBlob>> packs,
        Action<BlobId>? packDone, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(packs);
        await using var writer = new RepositoryWriter(repo);
        foreach (var (pack, blobs) in packs.OrderBy(p => p.Key))
        {
            var handle = new StorageHandle(FileType.Pack, pack.ToString());
            foreach (var b in blobs)
            {
                var sealedBlob = BufferPool.Instance.Rent((int)b.Length);
                try
                {
                    var n = await repo.Backend.ReadAtAsync(handle, b.Offset, sealedBlob.AsMemory(0, (int)b.Length), ct).ConfigureAwait(false);
                    if (n != b.Length) throw new InvalidDataException($"pack {pack.ToShortString()} is truncated (blob {b.Id.ToShortString()} missing)");
                    var plainLength = BlobCodec.Decode(repo.Key, sealedBlob.AsSpan(0, n), b, out var plain);
                    BufferPool.Instance.Return(plain);
                    await writer.AddEncodedAsync(b.Type, b.Id, sealedBlob.AsMemory(0, n), b.UncompressedLength, plainLength, ct).ConfigureAwait(false);
                }
                catch (InvalidDataException e)
                {
                    throw new CoffreException($"pack {pack.ToShortString()}: {e.Message}; prune stopped before deleting anything: run 'coffre check --read-data'", ExitCodes.Fatal, e);
                }
                finally
                {
                    BufferPool.Instance.Return(sealedBlob);
                }
            }
            packDone?.Invoke(pack);
        }
        await writer.FlushAsync(ct).ConfigureAwait(false);
    }
}

using Coffre.Model;
using Coffre.Repository;
using Coffre.Repository.Pack;
using Coffre.Storage;

namespace Coffre.Maintenance.Repair;

/// <summary>What <c>repair packs</c> did.</summary>
public sealed record PackRepairResult(int Packs, int BlobsSalvaged, int BlobsLost, int IndexFilesWritten);

/// <summary>
/// restic's <c>repair packs</c>: every blob of the given packs that still verifies is stored again in new packs (the
/// blobs the index places there, and those the pack's own header lists); then the packs are dropped from the index
/// and deleted. What could not be salvaged is then missing: <c>repair snapshots</c> removes it from the snapshots,
/// and a new backup stores it again when the source still has it. The caller holds an exclusive lock and keeps a
/// copy of each pack first (<see cref="SaveCopyAsync"/>).
/// </summary>
public static class PackRepair
{
    /// <summary>Copies a pack's bytes to <c>folder/pack-ID</c> (never over an existing file), as restic does.</summary>
    public static async Task<bool> SaveCopyAsync(Repository.Repository repo, BlobId pack, string folder, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        Stream input;
        try { input = await repo.Backend.OpenReadAsync(new StorageHandle(FileType.Pack, pack.ToString()), ct).ConfigureAwait(false); }
        catch (StorageNotFoundException) { return false; }
        await using (input.ConfigureAwait(false))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
            var output = new FileStream(Path.Combine(folder, "pack-" + pack), options);
            await using (output.ConfigureAwait(false))
                await input.CopyToAsync(output, ct).ConfigureAwait(false);
        }
        return true;
    }

    public static async Task<PackRepairResult> RunAsync(Repository.Repository repo, IReadOnlyCollection<BlobId> packs, Action<string> say, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(packs);
        ArgumentNullException.ThrowIfNull(say);
        var files = await IndexFiles.LoadAsync(repo, ct).ConfigureAwait(false);
        if (files.Unreadable.Count > 0)
            throw new CoffreException($"index file {files.Unreadable[0].Name[..8]} cannot be read ({files.Unreadable[0].Error}): run 'coffre repair index' first");
        foreach (var (pack, blobs) in files.Packs) repo.Index.Add(pack, blobs);
        // Every copy in these packs counts as lost from now on: a blob is stored again unless a sound copy exists elsewhere.
        foreach (var pack in packs) repo.Index.MarkBad(pack, null);

        say("salvaging intact data from specified pack files");
        int salvaged = 0, lost = 0;
        await using (var writer = new RepositoryWriter(repo))
        {
            foreach (var pack in packs)
            {
                var blobs = files.Packs.GetValueOrDefault(pack) ?? [];
                var sizes = await repo.Backend.StatAsync(new StorageHandle(FileType.Pack, pack.ToString()), ct).ConfigureAwait(false);
                List<IndexBlob> fromHeader = [];
                if (sizes is { } size)
                {
                    try { fromHeader = await PackHeader.ReadAsync(repo.Backend, pack, size, repo.Key, ct).ConfigureAwait(false); }
                    catch (InvalidDataException e) { say($"pack {pack.ToShortString()}: {e.Message}; salvaging what the index lists"); }
                }
                else say($"pack {pack.ToShortString()} does not exist; nothing to salvage");
                var candidates = blobs.Concat(fromHeader.Where(h => !blobs.Contains(h))).ToList();
                if (candidates.Count == 0) say($"no blobs found for pack {pack}");
                var done = new HashSet<BlobId>();
                foreach (var b in candidates)
                {
                    if (done.Contains(b.Id)) continue;
                    if (sizes is null || !await SalvageAsync(repo, writer, pack, b, ct).ConfigureAwait(false))
                    {
                        if (sizes is not null) say($"failed to load blob {b.Id} of pack {pack.ToShortString()}{(repo.Index.Has(b.Id) ? " (a sound copy exists in another pack)" : "")}");
                        continue;
                    }
                    done.Add(b.Id);
                    salvaged++;
                }
                lost += candidates.Select(c => c.Id).Distinct().Count(id => !done.Contains(id) && !repo.Index.Has(id));
            }
            await writer.FlushAsync(ct).ConfigureAwait(false);
        }

        say("removing salvaged pack files from the index");
        var set = packs.ToHashSet();
        var written = await files.ReplaceAsync(repo, files.Packs.Where(kv => !set.Contains(kv.Key)).Select(kv => new IndexPack(kv.Key, kv.Value)), ct).ConfigureAwait(false);
        // Packs the writer stored are described by the index file it wrote, which ReplaceAsync does not know: keep it.
        say("removing salvaged pack files");
        foreach (var pack in packs)
        {
            try { await repo.Backend.RemoveAsync(new StorageHandle(FileType.Pack, pack.ToString()), ct).ConfigureAwait(false); }
            catch (StorageNotFoundException) { }
        }
        repo.Damage.Forget(p => BlobId.TryParse(p.Pack, out var id) && set.Contains(id));
        return new PackRepairResult(packs.Count, salvaged, lost, written);
    }

    /// <summary>Reads one blob from the damaged pack; stores it again when it verifies. False when it does not.</summary>
    private static async Task<bool> SalvageAsync(Repository.Repository repo, RepositoryWriter writer, BlobId pack, IndexBlob b, CancellationToken ct)
    {
        var sealedBuf = BufferPool.Instance.Rent((int)b.Length);
        try
        {
            var n = await repo.Backend.ReadAtAsync(new StorageHandle(FileType.Pack, pack.ToString()), b.Offset, sealedBuf.AsMemory(0, (int)b.Length), ct).ConfigureAwait(false);
            if (n != b.Length) return false;
            int len;
            byte[] plain;
            try { len = BlobCodec.Decode(repo.Key, sealedBuf.AsSpan(0, n), b, out plain); }
            catch (InvalidDataException) { return false; }
            try { await writer.SaveBlobAsync(b.Type, b.Id, plain.AsMemory(0, len), compress: true, ct).ConfigureAwait(false); }
            finally { BufferPool.Instance.Return(plain); }
            return true;
        }
        finally
        {
            BufferPool.Instance.Return(sealedBuf);
        }
    }
}

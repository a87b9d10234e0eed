using Coffre.Model;
using Coffre.Repository.Pack;
using Coffre.Storage;

namespace Coffre.Maintenance.Repair;

/// <summary>What <c>repair index</c> did.</summary>
public sealed record IndexRepairResult(int PacksAdded, int PacksReindexed, int PacksRemoved, int PacksSkipped, int InvalidIndexFiles, int IndexFilesWritten)
{
    public bool Changed => IndexFilesWritten > 0 || InvalidIndexFiles > 0;
}

/// <summary>
/// restic's <c>repair index</c>: the index is rebuilt from the packs that exist. Packs the index describes with the
/// right size keep their entries (unless <c>readAllPacks</c>); packs it lacks, or whose size differs, are
/// indexed from their own header; packs it names that do not exist are dropped; unreadable index files go.
/// The caller holds an exclusive lock.
/// </summary>
public static class IndexRepair
{
    public static async Task<IndexRepairResult> RunAsync(Repository.Repository repo, bool readAllPacks, Action<string> say, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(say);
        var files = await IndexFiles.LoadAsync(repo, ct).ConfigureAwait(false);
        foreach (var (name, error) in files.Unreadable) say($"removing invalid index {name}: {error}");
        var known = readAllPacks ? [] : files.Packs;
        var result = new Dictionary<BlobId, List<IndexBlob>>();
        int added = 0, reindexed = 0, skipped = 0;
        var listed = new HashSet<BlobId>();
        await foreach (var e in repo.Backend.ListAsync(FileType.Pack, ct).ConfigureAwait(false))
        {
            if (!BlobId.TryParse(e.Name, out var pack)) continue;
            listed.Add(pack);
            if (known.TryGetValue(pack, out var blobs) && PackHeader.PackSize(blobs) == e.Size)
            {
                result[pack] = blobs;
                continue;
            }
            if (!known.TryGetValue(pack, out blobs))
            {
                if (!readAllPacks) say($"adding pack file to index {pack}");
                added++;
            }
            else
            {
                say($"reindexing pack file {pack} with unexpected size {e.Size} instead of {PackHeader.PackSize(blobs)}");
                reindexed++;
            }
            try { result[pack] = await PackHeader.ReadAsync(repo.Backend, pack, e.Size, repo.Key, ct).ConfigureAwait(false); }
            catch (InvalidDataException ex)
            {
                say($"skipped incomplete pack file {pack}: {ex.Message}");
                skipped++;
            }
        }
        var removed = 0;
        foreach (var pack in files.Packs.Keys)
            if (!listed.Contains(pack))
            {
                say($"removing not found pack file {pack}");
                removed++;
            }
        var changed = readAllPacks || files.Unreadable.Count > 0 || added > 0 || reindexed > 0 || removed > 0 || files.Names.Count == 0 && result.Count > 0;
        var written = 0;
        if (changed)
        {
            say("rebuilding index");
            written = await files.ReplaceAsync(repo, result.Select(kv => new IndexPack(kv.Key, kv.Value)), ct).ConfigureAwait(false);
        }
        // Proofs about packs no index names any more are stale; proofs about a re-read pack stay (the blobs did not change).
        repo.Damage.Forget(p => !BlobId.TryParse(p.Pack, out var id) || !result.ContainsKey(id));
        return new IndexRepairResult(readAllPacks ? 0 : added, reindexed, removed, skipped, files.Unreadable.Count, written);
    }
}

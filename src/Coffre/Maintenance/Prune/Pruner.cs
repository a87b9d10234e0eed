using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository.Index;
using Coffre.Storage;

namespace Coffre.Maintenance.Prune;

/// <summary>
/// Mark and sweep under an exclusive lock (the caller holds it). <see cref="PlanAsync"/> reads the index files,
/// the pack list and every snapshot's trees and decides (<see cref="PrunePlanner"/>); <see cref="ExecuteAsync"/>
/// changes the repository in an order that keeps it valid for restic and Coffre if the process dies at any
/// moment, and that a new prune completes:
/// <list type="number">
/// <item>leftover temp files and packs no index names go (nothing refers to them);</item>
/// <item>needed blobs of the packs to repack are copied into new packs, then an index file for those is written
/// (the blobs now exist twice, which is allowed);</item>
/// <item>kept packs described only by index files that will go are written into new index files (a pack then is
/// in two index files, identically: a hint, not an error);</item>
/// <item>the obsolete index files are deleted: from now on no index names the packs that go;</item>
/// <item>those packs are deleted (until then, packs no index names: "additional files", not an error).</item>
/// </list>
/// </summary>
public sealed class Pruner(Repository.Repository repo)
{
    /// <summary>restic writes an index file per about this many blobs.</summary>

    private readonly List<IndexFile> _indexFiles = [];

    /// <summary>Reads the repository and decides what to do; changes nothing.</summary>
    public async Task<PrunePlan> PlanAsync(PruneOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        _indexFiles.Clear();
        // Snapshots first, then the index: what the index lists then covers everything the snapshots need.
        var damaged = new List<string>();
        var snapshots = await repo.LoadSnapshotsAsync(ct, damaged).ConfigureAwait(false);
        if (damaged.Count > 0)
            throw new CoffreException($"{damaged[0]}; prune stops, since it cannot know what that snapshot needs: run 'coffre check'");
        await LoadIndexFilesAsync(ct).ConfigureAwait(false);
        var stored = new Dictionary<BlobId, long>();
        await foreach (var e in repo.Backend.ListAsync(FileType.Pack, ct).ConfigureAwait(false)) stored[BlobId.Parse(e.Name)] = e.Size;
        // A pack proven damaged (docs/repair.md) counts as lost: prune never keeps its copy over a sound one, and
        // stops when a needed blob has no other copy ('coffre repair packs' first).
        foreach (var proof in repo.Damage.Proofs)
            if (BlobId.TryParse(proof.Pack, out var proven)) stored.Remove(proven);
        var used = await UsedBlobs.FindAsync(repo, snapshots, ct).ConfigureAwait(false);
        return PrunePlanner.Plan(_indexFiles, stored, used, options);
    }

    private async Task LoadIndexFilesAsync(CancellationToken ct)
    {
        await foreach (var e in repo.Backend.ListAsync(FileType.Index, ct).ConfigureAwait(false))
        {
            List<IndexPack> packs;
            try { packs = IndexJson.ParsePacks(await repo.LoadJsonAsync(FileType.Index, e.Name, ct).ConfigureAwait(false)); }
            catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or StorageNotFoundException)
            {
                throw new CoffreException($"index file {e.Name[..8]} cannot be read ({ex.Message}); prune stops so that no data is lost: run 'coffre check'");
            }
            _indexFiles.Add(new IndexFile(e.Name, e.Size, packs));
            foreach (var p in packs) repo.Index.Add(p.PackId, p.Blobs);
        }
    }

    /// <summary>
    /// Bytes the prune needs where the repository is stored, and what it has (counting the unindexed packs it
    /// deletes first); Available is null when the backend cannot tell.
    /// </summary>
    public async Task<(long Needed, long? Available)> SpaceAsync(PrunePlan plan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var needed = plan.Stats.BytesToWrite == 0 ? 0 : DiskSpace.WithMargin(plan.Stats.BytesToWrite);
        return (needed, await DiskSpace.AvailableAsync(repo.Backend, ct).ConfigureAwait(false) + plan.Stats.UnindexedBytes);
    }

    /// <summary>Carries out the plan (see the class comment for the order). Refuses first when the disk cannot hold what it writes.</summary>
    public async Task ExecuteAsync(PrunePlan plan, Action<PruneStep>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        repo.EnsureWritable();
        // Unknown free space (a remote that cannot tell): the command showed it in its plan, the check is skipped.
        var (needed, available) = await SpaceAsync(plan, ct).ConfigureAwait(false);
        if (available is { } free)
            DiskSpace.EnsureRoom(repo.Backend.Location, needed, free, "this prune",
            $"{ByteSize.Format(plan.Stats.CopyBytes)} of blobs to copy out of {plan.Repack.Count} pack(s), new index files and a margin",
                "Free some space, or repack less with --max-repack-size (--max-repack-size 0 deletes only whole unused packs).");

        await repo.Backend.RemoveLeftoversAsync(ct).ConfigureAwait(false);
        progress?.Invoke(new PruneStep(PruneStage.RemovingUnindexedPacks, plan.UnindexedPacks.Count));
        foreach (var p in plan.UnindexedPacks) await RemoveAsync(FileType.Pack, p.Id.ToString(), ct).ConfigureAwait(false);

        if (plan.Repack.Count > 0)
        {
            progress?.Invoke(new PruneStep(PruneStage.Repacking, plan.Repack.Count));
            await PackRepacker.RepackAsync(repo, plan.Repack, null, ct).ConfigureAwait(false);
        }

        progress?.Invoke(new PruneStep(PruneStage.WritingIndex, plan.Reindex.Count));
        foreach (var chunk in IndexFileChunks.Split(plan.Reindex))
            await repo.SaveJsonAsync(FileType.Index, IndexJson.Serialize(chunk), ct).ConfigureAwait(false);

        progress?.Invoke(new PruneStep(PruneStage.RemovingIndexFiles, plan.ObsoleteIndexFiles.Count));
        foreach (var f in plan.ObsoleteIndexFiles) await RemoveAsync(FileType.Index, f.Name, ct).ConfigureAwait(false);

        var packs = plan.Repack.Keys.Concat(plan.RemovePacks.Select(p => p.Id)).ToList();
        progress?.Invoke(new PruneStep(PruneStage.RemovingPacks, packs.Count));
        foreach (var p in packs) await RemoveAsync(FileType.Pack, p.ToString(), ct).ConfigureAwait(false);
    }

    /// <summary>Removes an object; one already gone (a concurrent unlock-and-prune, a rerun) is fine.</summary>
    private async Task RemoveAsync(FileType type, string name, CancellationToken ct)
    {
        try { await repo.Backend.RemoveAsync(new StorageHandle(type, name), ct).ConfigureAwait(false); }
        catch (StorageNotFoundException) { }
    }
}

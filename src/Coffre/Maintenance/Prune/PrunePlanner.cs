using Coffre.Model;
using Coffre.Repository.Pack;

namespace Coffre.Maintenance.Prune;

/// <summary>
/// Decides what a prune does, from the index files, the packs stored and the blobs the snapshots use — a pure
/// function, so every rule can be tested without a repository. The rules are restic's (0.14/0.15 prune):
/// <list type="bullet">
/// <item>A needed blob stored more than once is kept in one pack only: the one whose share of needed bytes is the
/// highest (then the larger, then the lower ID), so that whole packs become unused rather than many partly.</item>
/// <item>A pack with no needed blob is deleted; a fully used one is kept; partly used ones (and tree packs,
/// mixed packs, very small packs when there are ten or more) are repacked, tree and small packs first, then
/// those with the most unused data, until the unused data left is within <see cref="PruneOptions.MaxUnused"/>
/// or <see cref="PruneOptions.MaxRepackBytes"/> is reached.</item>
/// <item>Packs no index names are deleted (the exclusive lock means no backup is writing them). Indexed packs
/// that are missing are dropped from the index when they hold nothing needed, and stop the prune when they do;
/// likewise a needed pack whose size differs from what the index implies.</item>
/// </list>
/// </summary>
public static class PrunePlanner
{
    /// <summary>Fewer small packs than this are not worth gathering (restic's rule).</summary>
    private const int MinSmallPacks = 10;
    /// <summary>Rough bytes of index JSON (compressed) per blob, to estimate the index files repacking writes.</summary>
    private const int IndexBytesPerBlob = 128;

    private sealed class Pack(BlobId id, IReadOnlyList<IndexBlob> blobs, long? stored)
    {
        public BlobId Id { get; } = id;
        public IReadOnlyList<IndexBlob> Blobs { get; } = blobs;
        public long IndexedSize { get; } = PackHeader.PackSize(blobs);
        public long? StoredSize { get; } = stored;
        public bool Healthy => StoredSize == IndexedSize;
        public bool HasTrees => Blobs.Any(b => b.Type == BlobType.Tree);
        public bool HasData => Blobs.Any(b => b.Type == BlobType.Data);
        /// <summary>Bytes of needed blobs here, counting every copy.</summary>
        public long NeededBytes { get; set; }
        /// <summary>The needed blobs whose one kept copy is here (final once the keepers are chosen).</summary>
        public List<IndexBlob> Keepers { get; } = [];
        public long BlobBytes { get; } = blobs.Sum(b => (long)b.Length);
        public long KeptBytes => _keptBytes ??= Keepers.Sum(b => (long)b.Length);
        public long UnusedBytes => BlobBytes - KeptBytes;
        private long? _keptBytes;
        public long Size => StoredSize ?? IndexedSize;
    }

    public static PrunePlan Plan(IReadOnlyList<IndexFile> indexFiles, IReadOnlyDictionary<BlobId, long> storedPacks,
        IReadOnlySet<BlobHandle> used, PruneOptions options, long targetPackSize = PackBuilder.TargetSize)
    {
        ArgumentNullException.ThrowIfNull(indexFiles);
        ArgumentNullException.ThrowIfNull(storedPacks);
        ArgumentNullException.ThrowIfNull(used);
        ArgumentNullException.ThrowIfNull(options);

        var packs = CollectPacks(indexFiles, storedPacks);
        var unindexed = storedPacks.Where(p => !packs.ContainsKey(p.Key)).Select(p => new SizedPack(p.Key, p.Value)).OrderBy(p => p.Id).ToList();
        var copies = ChooseKeepers(packs, used);

        // Classify.
        var keep = new HashSet<BlobId>();
        var remove = new List<Pack>();
        var forget = new List<Pack>();
        var candidates = new List<Pack>();
        var small = new List<Pack>();
        var smallLimit = options.RepackSmall ? targetPackSize / 5 * 4 : targetPackSize / 25;
        int fully = 0, partly = 0, unusedPacks = 0;
        foreach (var p in packs.Values.OrderBy(p => p.Id))
        {
            if (p.StoredSize is null) { forget.Add(p); continue; }
            if (!p.Healthy) { remove.Add(p); unusedPacks++; continue; }
            if (p.Keepers.Count == 0) { remove.Add(p); unusedPacks++; continue; }
            var mixed = p.HasData && p.HasTrees;
            if (p.Keepers.Count == p.Blobs.Count)
            {
                fully++;
                if (mixed) candidates.Add(p);
                else if (p.Size < smallLimit) small.Add(p);
                else keep.Add(p.Id);
                continue;
            }
            partly++;
            candidates.Add(p);
        }
        if (small.Count >= MinSmallPacks) candidates.AddRange(small);
        else foreach (var p in small) keep.Add(p.Id);

        // Choose what to repack, as restic does.
        var healthy = packs.Values.Where(p => p.Healthy).ToList();
        var usedBytes = healthy.Sum(p => p.KeptBytes);
        var unusedBytes = healthy.Sum(p => p.UnusedBytes);
        var removedUnused = remove.Where(p => p.Healthy).Sum(p => p.BlobBytes);
        var maxUnusedAfter = options.MaxUnused.AllowedFor(usedBytes);
        var maxRepack = options.MaxRepackBytes ?? long.MaxValue;
        candidates.Sort((a, b) => CompareCandidates(a, b, smallLimit));
        var repack = new List<Pack>();
        long repackBytes = 0, repackUnused = 0;
        foreach (var p in candidates)
        {
            var reachedUnused = unusedBytes - removedUnused - repackUnused < maxUnusedAfter;
            var reachedRepackSize = repackBytes + p.Size > maxRepack;
            var isDataOnly = !p.HasTrees;
            if (reachedRepackSize || (isDataOnly && reachedUnused && p.Size >= smallLimit))
            {
                keep.Add(p.Id);
                continue;
            }
            repack.Add(p);
            repackBytes += p.Size;
            repackUnused += p.UnusedBytes;
        }

        // A needed blob of a repacked pack that a kept pack also holds need not be copied.
        var copy = new Dictionary<BlobId, IReadOnlyList<IndexBlob>>();
        foreach (var p in repack)
        {
            var toCopy = p.Keepers
                .Where(b => !copies[new BlobHandle(b.Id, b.Type)].Any(other => keep.Contains(other.Id)))
                .OrderBy(b => b.Offset).ToList();
            copy[p.Id] = toCopy;
        }

        var (obsolete, reindex) = PlanIndexFiles(indexFiles, keep);
        var copyBytes = copy.Values.Sum(l => l.Sum(b => (long)b.Length));
        var copyBlobs = copy.Values.Sum(l => l.Count);
        var dupBlobs = healthy.Sum(p => p.Blobs.Count(b => used.Contains(new BlobHandle(b.Id, b.Type)))) - used.Count(copies.ContainsKey);
        var dupBytes = healthy.Sum(p => p.Blobs.Where(b => used.Contains(new BlobHandle(b.Id, b.Type))).Sum(b => (long)b.Length)) - usedBytes;
        var stats = new PruneStats
        {
            Packs = storedPacks.Count,
            PackBytes = storedPacks.Values.Sum(),
            UsedBlobs = healthy.Sum(p => p.Keepers.Count),
            UsedBytes = usedBytes,
            UnusedBlobs = healthy.Sum(p => p.Blobs.Count(b => !used.Contains(new BlobHandle(b.Id, b.Type)))),
            UnusedBytes = unusedBytes - dupBytes,
            DuplicateBlobs = dupBlobs,
            DuplicateBytes = dupBytes,
            FullyUsedPacks = fully,
            PartlyUsedPacks = partly,
            UnusedPacks = unusedPacks,
            KeptPacks = keep.Count,
            UnindexedBytes = unindexed.Sum(p => p.Size),
            RemoveBytes = remove.Sum(p => p.Size),
            RepackBytes = repackBytes,
            RepackBlobs = repack.Sum(p => p.Blobs.Count),
            CopyBytes = copyBytes,
            CopyBlobs = copyBlobs,
            ReindexedPacks = reindex.Count,
            UnusedAfter = Math.Max(0, unusedBytes - removedUnused - repackUnused),
            // New index files for the kept packs are at most as large as the files they replace.
            BytesToWrite = copyBytes + copyBlobs * (long)(PackHeader.CompressedEntrySize + IndexBytesPerBlob) + (reindex.Count > 0 ? obsolete.Sum(f => f.Size) : 0),
        };
        return new PrunePlan
        {
            UnindexedPacks = unindexed,
            Repack = copy,
            RemovePacks = remove.Select(p => new SizedPack(p.Id, p.Size)).ToList(),
            ForgetPacks = forget.Select(p => p.Id).ToList(),
            ObsoleteIndexFiles = obsolete,
            Reindex = reindex,
            Stats = stats,
        };
    }

    /// <summary>Every pack the index files describe, once; refuses two different descriptions of one pack.</summary>
    private static Dictionary<BlobId, Pack> CollectPacks(IReadOnlyList<IndexFile> indexFiles, IReadOnlyDictionary<BlobId, long> storedPacks)
    {
        var packs = new Dictionary<BlobId, Pack>();
        foreach (var file in indexFiles)
            foreach (var ip in file.Packs)
            {
                var blobs = ip.Blobs.OrderBy(b => b.Offset).ToList();
                if (packs.TryGetValue(ip.PackId, out var known))
                {
                    if (!known.Blobs.SequenceEqual(blobs))
                        throw new CoffreException($"pack {ip.PackId.ToShortString()} is described differently by two index files (one is index {file.Name[..8]}); "
                            + "prune stops: run 'coffre check'");
                    continue;
                }
                packs[ip.PackId] = new Pack(ip.PackId, blobs, storedPacks.TryGetValue(ip.PackId, out var size) ? size : null);
            }
        return packs;
    }

    /// <summary>
    /// Picks, for every needed blob, the one copy that stays (recorded in its pack's keepers); returns every
    /// healthy pack holding each needed blob. Stops the prune when a needed blob has no sound copy.
    /// </summary>
    private static Dictionary<BlobHandle, List<Pack>> ChooseKeepers(Dictionary<BlobId, Pack> packs, IReadOnlySet<BlobHandle> used)
    {
        var copies = new Dictionary<BlobHandle, List<Pack>>();
        var unsound = new Dictionary<BlobHandle, Pack>();
        foreach (var p in packs.Values)
            foreach (var b in p.Blobs)
            {
                var h = new BlobHandle(b.Id, b.Type);
                if (!used.Contains(h)) continue;
                if (!p.Healthy)
                {
                    unsound.TryAdd(h, p);
                    continue;
                }
                p.NeededBytes += b.Length;
                if (!copies.TryGetValue(h, out var list)) copies[h] = list = [];
                if (!list.Contains(p)) list.Add(p);
            }

        var lost = used.Where(h => !copies.ContainsKey(h)).ToList();
        if (lost.Count > 0)
        {
            var h = lost[0];
            var what = $"{lost.Count} blob(s) that snapshots need (e.g. {(h.Type == BlobType.Tree ? "tree" : "data")} blob {h.Id.ToShortString()})";
            throw new CoffreException(unsound.TryGetValue(h, out var bad)
                ? bad.StoredSize is null
                    ? $"{what} are in pack {bad.Id.ToShortString()}, which the index names but the repository lacks; prune stops so that nothing more is lost: run 'coffre check'"
                    : $"{what} are in pack {bad.Id.ToShortString()}, which has {bad.StoredSize} bytes where the index expects {bad.IndexedSize}; prune stops so that nothing more is lost: run 'coffre check --read-data'"
                : $"{what} are in no index: the repository is damaged; prune stops so that nothing more is lost: run 'coffre check'");
        }

        foreach (var (h, list) in copies)
        {
            var best = list[0];
            foreach (var p in list.Skip(1))
                if (IsBetterHome(p, best)) best = p;
            best.Keepers.Add(best.Blobs.First(b => b.Id == h.Id && b.Type == h.Type));
        }
        return copies;
    }

    /// <summary>Higher share of needed bytes, then more needed bytes, then the lower ID.</summary>
    private static bool IsBetterHome(Pack a, Pack b)
    {
        var byShare = ((Int128)a.NeededBytes * b.IndexedSize).CompareTo((Int128)b.NeededBytes * a.IndexedSize);
        if (byShare != 0) return byShare > 0;
        if (a.NeededBytes != b.NeededBytes) return a.NeededBytes > b.NeededBytes;
        return a.Id.CompareTo(b.Id) < 0;
    }

    /// <summary>Tree and mixed packs first, then small packs, then the highest share of unused bytes.</summary>
    private static int CompareCandidates(Pack a, Pack b, long smallLimit)
    {
        if (a.HasTrees != b.HasTrees) return a.HasTrees ? -1 : 1;
        var aSmall = a.Size < smallLimit;
        if (aSmall != (b.Size < smallLimit)) return aSmall ? -1 : 1;
        var byShare = ((Int128)b.UnusedBytes * a.KeptBytes).CompareTo((Int128)a.UnusedBytes * b.KeptBytes);
        return byShare != 0 ? byShare : a.Id.CompareTo(b.Id);
    }

    /// <summary>
    /// Keeps every index file that describes only kept packs, each pack in one file (files in name order);
    /// the others become obsolete, and the kept packs they alone described are written anew.
    /// </summary>
    private static (List<IndexFile> Obsolete, List<IndexPack> Reindex) PlanIndexFiles(IReadOnlyList<IndexFile> indexFiles, HashSet<BlobId> keep)
    {
        var homed = new HashSet<BlobId>();
        var obsolete = new List<IndexFile>();
        foreach (var f in indexFiles.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (f.Packs.Count > 0 && f.Packs.All(p => keep.Contains(p.PackId)) && !f.Packs.Any(p => homed.Contains(p.PackId))
                && f.Packs.Select(p => p.PackId).Distinct().Count() == f.Packs.Count)
            {
                foreach (var p in f.Packs) homed.Add(p.PackId);
            }
            else obsolete.Add(f);
        }
        var reindex = new List<IndexPack>();
        foreach (var f in obsolete)
            foreach (var p in f.Packs)
                if (keep.Contains(p.PackId) && homed.Add(p.PackId)) reindex.Add(p);
        return (obsolete, reindex);
    }
}

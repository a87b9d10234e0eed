using Coffre.Model;

namespace Coffre.Maintenance.Prune;

/// <summary>A pack and its size in bytes as stored.</summary>
public readonly record struct SizedPack(BlobId Id, long Size);

/// <summary>
/// What a prune will do, decided before anything changes (see <see cref="PrunePlanner"/>), in the order the
/// <see cref="Pruner"/> does it.
/// </summary>
public sealed class PrunePlan
{
    /// <summary>Packs no index names (left by interrupted backups or prunes): deleted first.</summary>
    public required IReadOnlyList<SizedPack> UnindexedPacks { get; init; }

    /// <summary>Partly used packs to rewrite: for each, the blobs to copy into new packs (by offset).</summary>
    public required IReadOnlyDictionary<BlobId, IReadOnlyList<IndexBlob>> Repack { get; init; }

    /// <summary>Stored packs nothing needs any more (all blobs unused, or a wrong size and unneeded): deleted last.</summary>
    public required IReadOnlyList<SizedPack> RemovePacks { get; init; }

    /// <summary>Packs the index names but the repository lacks, holding nothing a snapshot needs: dropped from the index.</summary>
    public required IReadOnlyList<BlobId> ForgetPacks { get; init; }

    /// <summary>Index files that name a pack that goes, or a pack another kept index file already describes.</summary>
    public required IReadOnlyList<IndexFile> ObsoleteIndexFiles { get; init; }

    /// <summary>Kept packs described only by obsolete index files: written into new index files.</summary>
    public required IReadOnlyList<IndexPack> Reindex { get; init; }

    public required PruneStats Stats { get; init; }

    /// <summary>Whether the prune changes anything at all.</summary>
    public bool HasWork => UnindexedPacks.Count > 0 || Repack.Count > 0 || RemovePacks.Count > 0 || ObsoleteIndexFiles.Count > 0;
}

/// <summary>The numbers of a plan (bytes are stored, i.e. encrypted and compressed, sizes).</summary>
public sealed record PruneStats
{
    public int Packs { get; init; }
    public long PackBytes { get; init; }
    public int UsedBlobs { get; init; }
    public long UsedBytes { get; init; }
    /// <summary>Blobs no snapshot needs.</summary>
    public int UnusedBlobs { get; init; }
    public long UnusedBytes { get; init; }
    /// <summary>Extra copies of needed blobs (one copy is kept).</summary>
    public int DuplicateBlobs { get; init; }
    public long DuplicateBytes { get; init; }
    public int FullyUsedPacks { get; init; }
    public int PartlyUsedPacks { get; init; }
    public int UnusedPacks { get; init; }
    public int KeptPacks { get; init; }
    public long UnindexedBytes { get; init; }
    public long RemoveBytes { get; init; }
    /// <summary>Sizes of the packs to repack.</summary>
    public long RepackBytes { get; init; }
    public int RepackBlobs { get; init; }
    /// <summary>Bytes of the blobs copied out of repacked packs (what repacking writes).</summary>
    public long CopyBytes { get; init; }
    public int CopyBlobs { get; init; }
    public int ReindexedPacks { get; init; }
    /// <summary>Unused and duplicate bytes still in the repository after the prune.</summary>
    public long UnusedAfter { get; init; }
    /// <summary>Bytes the prune frees once done: deleted packs minus what repacking writes.</summary>
    public long FreedBytes => UnindexedBytes + RemoveBytes + RepackBytes - CopyBytes;
    /// <summary>Bytes the prune writes before it deletes anything that an index names: new packs and index files.</summary>
    public long BytesToWrite { get; init; }
}

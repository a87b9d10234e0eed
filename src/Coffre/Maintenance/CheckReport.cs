using Coffre.Model;

namespace Coffre.Maintenance;

/// <summary>What to check beyond the structure.</summary>
public sealed record CheckOptions
{
    /// <summary>Read and verify every pack.</summary>
    public bool ReadData { get; init; }
    /// <summary>Read and verify this share (0..100) of the packs, chosen at random.</summary>
    public double? ReadDataSubsetPercent { get; init; }
}

/// <summary>A pack that failed verification and the snapshot files that depend on it (the first
/// <see cref="Checker.MaxPathsListed"/> of <see cref="AffectedCount"/>).</summary>
public sealed record DamagedPack(BlobId Pack, string Reason, IReadOnlyList<string> AffectedFiles, int AffectedCount);

/// <summary>A snapshot that cannot be restored whole: the paths it loses (the first
/// <see cref="Checker.MaxPathsListed"/> of <see cref="PathCount"/>), each with what is wrong.</summary>
public sealed record DamagedSnapshot(BlobId Snapshot, int PathCount, IReadOnlyList<string> Paths);

/// <summary>The findings of a check: errors mean the repository is damaged; hints are harmless.</summary>
public sealed class CheckReport
{
    public List<string> Errors { get; } = [];
    public List<string> Hints { get; } = [];
    public List<DamagedPack> DamagedPacks { get; } = [];
    public List<DamagedSnapshot> DamagedSnapshots { get; } = [];
    public int Snapshots { get; set; }
    public int Packs { get; set; }
    public int PacksRead { get; set; }
    public int Trees { get; set; }
    public bool Ok => Errors.Count == 0;

    /// <summary>Why the repository is damaged, on one line (the run's error), or null when it is not.</summary>
    public string? Problem => Ok ? null : $"{Errors.Count} error(s) found, first: {Errors.FirstOrDefault()}";

    /// <summary>What a clean check says (and journals as what it checked), or null when it found errors.</summary>
    public string? Summary => Ok ? $"no errors were found ({Snapshots} snapshots, {Trees} trees, {Packs} packs, {PacksRead} packs read)" : null;
}

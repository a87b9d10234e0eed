namespace Coffre.Archiver;

/// <summary>What one file backup run stores: the paths, and how the snapshot is labelled.</summary>
public sealed record BackupOptions
{
    public required IReadOnlyList<string> Paths { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Hostname recorded in the snapshot (and used to find the parent); null = this machine's.</summary>
    public string? Hostname { get; init; }
    /// <summary>Glob patterns (see <see cref="ExcludeMatcher"/>) of paths to leave out.</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];
    /// <summary>False to read every file even when the parent snapshot says it is unchanged.</summary>
    public bool UseParent { get; init; } = true;
    /// <summary>Refuse before writing anything when the changed files may not fit on the repository's disk (<see cref="BackupSpaceCheck"/>).</summary>
    public bool CheckFreeSpace { get; init; } = true;
    /// <summary>How many files are read and chunked at once.</summary>
    public int FileWorkers { get; init; } = 2;
    /// <summary>How many workers compress and seal blobs.</summary>
    public int BlobWorkers { get; init; } = Math.Max(2, Environment.ProcessorCount);
}

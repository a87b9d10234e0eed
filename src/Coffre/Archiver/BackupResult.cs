using Coffre.Model;

namespace Coffre.Archiver;

/// <summary>A file or folder that could not be read; the snapshot holds everything else.</summary>
public sealed record SourceError(string Path, string Message);

/// <summary>The outcome of a backup: the snapshot written, its summary, and what could not be read.</summary>
public sealed record BackupResult(BlobId SnapshotId, Snapshot Snapshot, SnapshotSummary Summary, IReadOnlyList<SourceError> Errors, BlobId? ParentId)
{
    public bool Complete => Errors.Count == 0;
}

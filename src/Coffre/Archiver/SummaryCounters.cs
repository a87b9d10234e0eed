using Coffre.Model;
using Coffre.Repository;

namespace Coffre.Archiver;

/// <summary>The new/changed/unmodified counts that go into the snapshot summary (thread-safe).</summary>
internal sealed class SummaryCounters
{
    private long _filesNew, _filesChanged, _filesUnmodified, _dirsNew, _dirsChanged, _dirsUnmodified, _bytesUnmodified;

    public void FileUnmodified(ulong size)
    {
        Interlocked.Increment(ref _filesUnmodified);
        Interlocked.Add(ref _bytesUnmodified, (long)size);
    }
    public void FileRead(bool isNew) => Interlocked.Increment(ref isNew ? ref _filesNew : ref _filesChanged);
    /// <summary>A folder walked: new, or changed/unmodified by comparing its tree with the parent snapshot's.</summary>
    public void Dir(Node? previous, BlobId tree)
    {
        if (previous is null) Interlocked.Increment(ref _dirsNew);
        else if (previous.Subtree == tree) Interlocked.Increment(ref _dirsUnmodified);
        else Interlocked.Increment(ref _dirsChanged);
    }

    public SnapshotSummary ToSummary(GoTime start, GoTime end, RepositoryWriter writer, BackupProgress progress) => new()
    {
        BackupStart = start,
        BackupEnd = end,
        FilesNew = (ulong)_filesNew,
        FilesChanged = (ulong)_filesChanged,
        FilesUnmodified = (ulong)_filesUnmodified,
        DirsNew = (ulong)_dirsNew,
        DirsChanged = (ulong)_dirsChanged,
        DirsUnmodified = (ulong)_dirsUnmodified,
        DataBlobs = (ulong)writer.DataBlobs,
        TreeBlobs = (ulong)writer.TreeBlobs,
        DataAdded = (ulong)writer.DataAdded,
        DataAddedPacked = (ulong)writer.DataAddedPacked,
        TotalFilesProcessed = (ulong)(_filesNew + _filesChanged + _filesUnmodified),
        TotalBytesProcessed = (ulong)(progress.BytesDone + Interlocked.Read(ref _bytesUnmodified)),
    };
}

namespace Coffre.Model;

/// <summary>Backup statistics stored in a snapshot (restic >= 0.17).</summary>
public sealed class SnapshotSummary
{
    public GoTime BackupStart { get; set; } = GoTime.Zero;
    public GoTime BackupEnd { get; set; } = GoTime.Zero;
    public ulong FilesNew { get; set; }
    public ulong FilesChanged { get; set; }
    public ulong FilesUnmodified { get; set; }
    public ulong DirsNew { get; set; }
    public ulong DirsChanged { get; set; }
    public ulong DirsUnmodified { get; set; }
    public ulong DataBlobs { get; set; }
    public ulong TreeBlobs { get; set; }
    public ulong DataAdded { get; set; }
    public ulong DataAddedPacked { get; set; }
    public ulong TotalFilesProcessed { get; set; }
    public ulong TotalBytesProcessed { get; set; }
}

using Coffre.Archiver;
using Coffre.Scheduling;

namespace Coffre.Jobs.Service;

/// <summary>
/// The job running now, as read at one moment (<see cref="JobProgress.Current"/>): what it is, since when, what it is
/// doing (<see cref="Phase"/>, e.g. <c>dumping database main</c>), and during a backup its counters.
/// </summary>
public sealed record JobStatus(JobKind Kind, DateTimeOffset Started, string Phase)
{
    /// <summary>A backup's files and bytes; null for the other jobs (and before a backup starts reading).</summary>
    public BackupCounters? Backup { get; init; }
}

/// <summary>
/// A backup's <see cref="BackupProgress"/> at one moment. The totals grow while the scan runs and are final once
/// <see cref="ScanFinished"/>; <see cref="CurrentFile"/> is the file being read, when the backup says.
/// </summary>
public sealed record BackupCounters(long FilesDone, long BytesDone, long TotalFiles, long TotalBytes, bool ScanFinished, long Errors, string? CurrentFile)
{
    public static BackupCounters Of(BackupProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return new(progress.FilesDone, progress.BytesDone, progress.TotalFiles, progress.TotalBytes, progress.ScanFinished, progress.Errors, progress.CurrentFile);
    }
}

using System.Text;
using Coffre.Maintenance;
using Coffre.Platform;

namespace Coffre.Archiver;

/// <summary>
/// Refuses a backup that cannot fit before it writes anything. The estimate of what it adds is the size of the
/// files changed since the parent snapshot — regular files whose ctime or mtime is not older than the parent's
/// time (a new, copied, moved or rewritten file has a new ctime), or every file without a parent — plus a margin.
/// It ignores compression and deduplication, so it errs on the large side. When the repository's free space
/// exceeds everything the source file systems hold, nothing is walked.
/// </summary>
internal static class BackupSpaceCheck
{
    public const string Advice = "Free some space (forget old snapshots, then 'coffre prune'), or use --no-space-check when the data compresses or deduplicates well.";

    /// <param name="notice">Told, in one line, when the backend cannot know its free space (the check is then skipped).</param>
    public static async Task EnsureRoomAsync(Repository.Repository repo, IReadOnlyList<byte[]> targets, ExcludeMatcher excludes, DateTimeOffset? since, Action<string> notice, CancellationToken ct)
    {
        if (await DiskSpace.AvailableAsync(repo.Backend, ct).ConfigureAwait(false) is not { } available)
        {
            notice(DiskSpace.Unknown(repo.Backend.Location));
            return;
        }
        if (DiskSpace.WithMargin(SourceFileSystemsUsed(targets)) <= available) return;
        var changed = SizeOfChangedFiles(targets.Select(t => (t, excludes)), since, ct);
        DiskSpace.EnsureRoom(repo.Backend.Location, DiskSpace.WithMargin(changed), available, "this backup",
            $"{ByteSize.Format(changed)} of {(since is null ? "files" : "new or changed files")} and a margin", Advice);
    }

    /// <summary>Bytes in use on the file systems holding the targets, each file system once: more than a backup of them can add.</summary>
    private static long SourceFileSystemsUsed(IReadOnlyList<byte[]> targets)
    {
        var seen = new HashSet<ulong>();
        long used = 0;
        foreach (var t in targets)
        {
            try
            {
                if (seen.Add(Posix.Stat(t).Device)) used += Posix.StatFileSystem(t).Used;
            }
            catch (PosixException) { return long.MaxValue / 2; }
        }
        return used;
    }

    /// <summary>
    /// Sum of the sizes of the regular files below the targets (excludes applied) changed since
    /// <paramref name="since"/> (all files when null); a file with several names counts once. Unreadable entries are skipped.
    /// </summary>
    public static long SizeOfChangedFiles(IEnumerable<(byte[] Target, ExcludeMatcher Excludes)> targets, DateTimeOffset? since, CancellationToken ct) =>
        SourceSurvey.Take(targets, since, ct).ChangedBytes;

}

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
    public static long SizeOfChangedFiles(IEnumerable<(byte[] Target, ExcludeMatcher Excludes)> targets, DateTimeOffset? since, CancellationToken ct)
    {
        // A little slack: the kernel stamps file times from a coarse clock, a few milliseconds behind.
        var from = since is { } s ? UnixTime.FromDateTimeOffset(s.AddMilliseconds(-100)) : (UnixTime?)null;
        var linked = new HashSet<(ulong, ulong)>();
        long total = 0;
        foreach (var (target, excludes) in targets)
        {
            var stack = new Stack<byte[]>();
            stack.Push(target);
            while (stack.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                var p = stack.Pop();
                try
                {
                    var st = Posix.LStat(p);
                    if (st.IsRegularFile)
                    {
                        if (from is { } f && IsBefore(st.ChangeTime, f) && IsBefore(st.ModifyTime, f)) continue;
                        if (st.Links > 1 && !linked.Add((st.Device, st.Inode))) continue;
                        total += st.Size;
                    }
                    else if (st.IsDirectory)
                        foreach (var n in Posix.ReadDirectory(p))
                        {
                            var c = UnixPath.Join(p, n);
                            if (excludes.IsEmpty || !excludes.IsExcluded(Encoding.UTF8.GetString(c))) stack.Push(c);
                        }
                }
                catch (PosixException) { }
            }
        }
        return total;
    }

    private static bool IsBefore(UnixTime a, UnixTime b) => a.Seconds < b.Seconds || (a.Seconds == b.Seconds && a.Nanoseconds < b.Nanoseconds);
}

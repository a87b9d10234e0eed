using System.Text;
using Coffre.Platform;

namespace Coffre.Archiver;

/// <summary>
/// One walk below backup targets, excludes applied: the files and bytes below each target, and the bytes of the
/// files changed since a time (a file with several names counts once in those). Unreadable entries are skipped.
/// Used by the space checks before a backup (paths, and an application's media folders).
/// </summary>
internal static class SourceSurvey
{
    /// <param name="since">Files whose ctime and mtime are older do not count as changed; null: every file does.</param>
    public static (IReadOnlyList<(long Files, long Bytes)> Targets, long ChangedBytes) Take(
        IEnumerable<(byte[] Target, ExcludeMatcher Excludes)> targets, DateTimeOffset? since, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(targets);
        // A little slack: the kernel stamps file times from a coarse clock, a few milliseconds behind.
        var from = since is { } s ? UnixTime.FromDateTimeOffset(s.AddMilliseconds(-100)) : (UnixTime?)null;
        var linked = new HashSet<(ulong, ulong)>();
        var counts = new List<(long, long)>();
        long changed = 0;
        foreach (var (target, excludes) in targets)
        {
            long files = 0, bytes = 0;
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
                        files++;
                        bytes += st.Size;
                        if (from is { } f && IsBefore(st.ChangeTime, f) && IsBefore(st.ModifyTime, f)) continue;
                        if (st.Links > 1 && !linked.Add((st.Device, st.Inode))) continue;
                        changed += st.Size;
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
            counts.Add((files, bytes));
        }
        return (counts, changed);
    }

    private static bool IsBefore(UnixTime a, UnixTime b) => a.Seconds < b.Seconds || (a.Seconds == b.Seconds && a.Nanoseconds < b.Nanoseconds);
}

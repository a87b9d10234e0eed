using System.Text;
using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Platform;

namespace Coffre.Application;

/// <summary>
/// The one walk of the media folders before a backup: how many files and bytes each holds (metadata.json and the
/// progress totals) and how many bytes changed since the previous backup (the space check), excludes applied.
/// The backup itself is the only other walk.
/// </summary>
internal sealed record MediaSurvey(IReadOnlyList<(long Files, long Bytes)> Folders, long ChangedBytes)
{
    /// <param name="since">The previous backup's time: files whose ctime and mtime are older do not count as changed; null: every file does.</param>
    public static MediaSurvey Take(IReadOnlyList<MediaSection> media, DateTimeOffset? since, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(media);
        // A little slack: the kernel stamps file times from a coarse clock, a few milliseconds behind.
        var from = since is { } s ? UnixTime.FromDateTimeOffset(s.AddMilliseconds(-100)) : (UnixTime?)null;
        var linked = new HashSet<(ulong, ulong)>();
        var folders = new List<(long, long)>();
        long changed = 0;
        foreach (var m in media)
        {
            var full = UnixPath.GetFullPath(m.Path!);
            var excludes = ExcludeMatcher.Within(Encoding.UTF8.GetString(full), m.Exclude);
            long files = 0, bytes = 0;
            var stack = new Stack<byte[]>();
            stack.Push(full);
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
                        // A file with several names counts once in what the backup adds.
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
            folders.Add((files, bytes));
        }
        return new MediaSurvey(folders, changed);
    }

    private static bool IsBefore(UnixTime a, UnixTime b) => a.Seconds < b.Seconds || (a.Seconds == b.Seconds && a.Nanoseconds < b.Nanoseconds);
}

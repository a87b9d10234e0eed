using Coffre.Platform;

namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>What <see cref="TreeComparer"/> compares besides names, types, contents and link targets.</summary>
internal sealed record CompareOptions
{
    /// <summary>Permission bits (07777, including setuid/setgid/sticky) of everything but symlinks.</summary>
    public bool Permissions { get; init; } = true;
    /// <summary>mtime to the nanosecond of files, folders, symlinks and fifos.</summary>
    public bool ModTimes { get; init; } = true;
    /// <summary>Numeric owner and group.</summary>
    public bool Owners { get; init; } = true;
    /// <summary>Hard-link groups (which names share an inode) and link counts.</summary>
    public bool HardLinks { get; init; } = true;
    /// <summary>Compare the roots' own metadata too (not only their contents).</summary>
    public bool RootMetadata { get; init; } = true;
    /// <summary>Relative paths (display form) to leave out of the comparison.</summary>
    public IReadOnlySet<string> Ignore { get; init; } = new HashSet<string>();
}

/// <summary>
/// Compares two trees byte-exactly by walking both with raw Posix calls: names as bytes, type, content,
/// permission bits, mtime to the nanosecond, owner, symlink targets, and hard-link groups.
/// </summary>
internal static class TreeComparer
{
    public static void AssertEqual(byte[] expectedRoot, byte[] actualRoot, CompareOptions? options = null)
    {
        var differences = Compare(expectedRoot, actualRoot, options);
        Assert.True(differences.Count == 0,
            $"{UnixPath.ToDisplay(actualRoot)} differs from {UnixPath.ToDisplay(expectedRoot)} ({differences.Count} difference(s)):\n  "
            + string.Join("\n  ", differences.Take(60)));
    }

    public static List<string> Compare(byte[] expectedRoot, byte[] actualRoot, CompareOptions? options = null)
    {
        options ??= new CompareOptions();
        var walk = new Walk(expectedRoot, actualRoot, options);
        walk.CompareEntry([], isRoot: true);
        walk.CompareHardLinkGroups();
        return walk.Differences;
    }

    private sealed class Walk(byte[] expectedRoot, byte[] actualRoot, CompareOptions options)
    {
        public List<string> Differences { get; } = [];
        private readonly Dictionary<(ulong Dev, ulong Ino), List<string>> _expectedInodes = [];
        private readonly Dictionary<(ulong Dev, ulong Ino), List<string>> _actualInodes = [];

        private void Diff(byte[] rel, string what) => Differences.Add($"{Show(rel)}: {what}");

        private static string Show(byte[] rel) => rel.Length == 0 ? "(root)" : UnixPath.ToDisplay(rel);

        public void CompareEntry(byte[] rel, bool isRoot)
        {
            if (options.Ignore.Contains(UnixPath.ToDisplay(rel))) return;
            var expectedPath = rel.Length == 0 ? expectedRoot : UnixPath.Join(expectedRoot, rel);
            var actualPath = rel.Length == 0 ? actualRoot : UnixPath.Join(actualRoot, rel);
            if (Posix.TryLStat(expectedPath, out var e) != 0)
            {
                Diff(rel, "missing in the expected tree");
                return;
            }
            if (Posix.TryLStat(actualPath, out var a) != 0)
            {
                Diff(rel, "missing");
                return;
            }
            if (e.Type != a.Type)
            {
                Diff(rel, $"type {TypeName(a)}, expected {TypeName(e)}");
                return;
            }
            var metadata = !isRoot || options.RootMetadata;
            if (metadata && options.Permissions && !e.IsSymlink && e.Permissions != a.Permissions)
                Diff(rel, $"mode {Convert.ToString(a.Permissions, 8)}, expected {Convert.ToString(e.Permissions, 8)}");
            if (metadata && options.Owners && (e.Uid != a.Uid || e.Gid != a.Gid))
                Diff(rel, $"owner {a.Uid}:{a.Gid}, expected {e.Uid}:{e.Gid}");
            if (e.IsRegularFile)
            {
                if (e.Size != a.Size) Diff(rel, $"size {a.Size}, expected {e.Size}");
                else if (FirstDifference(expectedPath, actualPath) is { } at) Diff(rel, $"content differs at byte {at}");
            }
            if (e.IsSymlink)
            {
                var et = Posix.ReadLink(expectedPath);
                var at = Posix.ReadLink(actualPath);
                if (!et.AsSpan().SequenceEqual(at)) Diff(rel, $"symlink target '{UnixPath.ToDisplay(at)}', expected '{UnixPath.ToDisplay(et)}'");
            }
            if (!e.IsDirectory && options.HardLinks)
            {
                Record(_expectedInodes, e, rel);
                Record(_actualInodes, a, rel);
                if (e.Links != a.Links) Diff(rel, $"{a.Links} link(s), expected {e.Links}");
            }
            if (e.IsDirectory)
            {
                var expectedNames = Posix.ReadDirectory(expectedPath).Select(n => (Key: Convert.ToHexString(n), Name: n)).ToDictionary(x => x.Key, x => x.Name);
                var actualNames = Posix.ReadDirectory(actualPath).Select(n => (Key: Convert.ToHexString(n), Name: n)).ToDictionary(x => x.Key, x => x.Name);
                foreach (var (key, name) in expectedNames.OrderBy(x => x.Key, StringComparer.Ordinal))
                {
                    var childRel = rel.Length == 0 ? name : UnixPath.Join(rel, name);
                    if (!actualNames.ContainsKey(key))
                    {
                        if (!options.Ignore.Contains(UnixPath.ToDisplay(childRel))) Diff(childRel, "missing");
                        continue;
                    }
                    CompareEntry(childRel, isRoot: false);
                }
                foreach (var (key, name) in actualNames.Where(x => !expectedNames.ContainsKey(x.Key)))
                {
                    var childRel = rel.Length == 0 ? name : UnixPath.Join(rel, name);
                    if (!options.Ignore.Contains(UnixPath.ToDisplay(childRel))) Diff(childRel, "unexpected (not in the expected tree)");
                }
            }
            // Times last: for a folder, after its children (reading does not change them, but keep the order obvious).
            if (metadata && options.ModTimes && !e.IsSocket && e.ModifyTime != a.ModifyTime)
                Diff(rel, $"mtime {Format(a.ModifyTime)}, expected {Format(e.ModifyTime)}");
        }

        public void CompareHardLinkGroups()
        {
            if (!options.HardLinks) return;
            var expected = Groups(_expectedInodes);
            var actual = Groups(_actualInodes);
            foreach (var g in expected.Except(actual)) Differences.Add($"hard-link group [{g}] is not one inode in the restored tree");
            foreach (var g in actual.Except(expected)) Differences.Add($"restored tree has hard-link group [{g}] that the expected tree does not");
        }

        private static HashSet<string> Groups(Dictionary<(ulong, ulong), List<string>> inodes) =>
            [.. inodes.Values.Where(l => l.Count > 1).Select(l => string.Join(" | ", l.Order(StringComparer.Ordinal)))];

        private static void Record(Dictionary<(ulong, ulong), List<string>> map, FileStatus st, byte[] rel)
        {
            if (!map.TryGetValue((st.Device, st.Inode), out var list)) map[(st.Device, st.Inode)] = list = [];
            list.Add(UnixPath.ToDisplay(rel));
        }
    }

    private static string Format(UnixTime t) => $"{t.Seconds}.{t.Nanoseconds:D9}";

    private static string TypeName(FileStatus s) =>
        s.IsDirectory ? "folder" : s.IsRegularFile ? "file" : s.IsSymlink ? "symlink" : s.IsFifo ? "fifo" : s.IsSocket ? "socket" : $"type {s.Type:x}";

    /// <summary>The offset of the first differing byte of two regular files of equal size, or null.</summary>
    private static long? FirstDifference(byte[] a, byte[] b)
    {
        using var ha = Posix.OpenRead(a);
        using var hb = Posix.OpenRead(b);
        var ba = new byte[1 << 20];
        var bb = new byte[1 << 20];
        long offset = 0;
        while (true)
        {
            var na = ReadFull(ha, ba, offset);
            var nb = ReadFull(hb, bb, offset);
            var n = Math.Min(na, nb);
            var mismatch = ba.AsSpan(0, n).CommonPrefixLength(bb.AsSpan(0, n));
            if (mismatch < n || na != nb) return offset + mismatch;
            if (na == 0) return null;
            offset += na;
        }
    }

    private static int ReadFull(Microsoft.Win32.SafeHandles.SafeFileHandle h, byte[] buffer, long offset)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = RandomAccess.Read(h, buffer.AsSpan(done), offset + done);
            if (n == 0) break;
            done += n;
        }
        return done;
    }
}

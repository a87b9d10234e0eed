using Coffre.Platform;
using static Coffre.IntegrationTests.Infrastructure.RawFiles;

namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>What to put in a generated tree.</summary>
internal sealed record TreeOptions
{
    /// <summary>Size of the random file (over 20 MiB by default, so it spans more than one pack).</summary>
    public long BigFileSize { get; init; } = (20 << 20) + 4097;
    /// <summary>Size of the compressible text file.</summary>
    public long CompressibleSize { get; init; } = 5 << 20;
    public bool Fifo { get; init; } = true;
    /// <summary>A symlink whose target is not valid UTF-8 (restic 0.14 stores such targets lossily, so interop trees leave it out).</summary>
    public bool NonUtf8SymlinkTarget { get; init; } = true;
    public int Seed { get; init; } = 1;
}

/// <summary>A generated tree: its root and the relative paths of its regular files (hard links counted per name).</summary>
internal sealed record GeneratedTree(byte[] Root, IReadOnlyList<byte[]> RegularFiles)
{
    public string RootText => UnixPath.ToDisplay(Root);
    public byte[] Path(string relative) => UnixPath.Join(Root, B(relative));
    public byte[] Path(byte[] relative) => UnixPath.Join(Root, relative);
}

/// <summary>
/// Builds the awkward tree the round-trip and interop tests back up: names with unicode, spaces, <c>&lt;&gt;&amp;</c>,
/// quotes, backslash, newline, tab, NBSP and bytes that are not UTF-8; empty files and folders; symlinks
/// (relative, absolute, dangling, to a folder); two names for one inode; modes 0600/0755/0700, setuid, setgid,
/// sticky; a file owned by nobody (when root); a fifo; a random file over 20 MiB and a compressible 5 MiB file;
/// every mtime set to a distinct value with nanoseconds (one before 1970, one after 2100). Folder times are set
/// last, deepest first.
/// </summary>
internal static class TreeGenerator
{
    public static GeneratedTree CreateAwkward(byte[] root, TreeOptions? options = null)
    {
        options ??= new TreeOptions();
        var files = new List<byte[]>();
        var timed = new List<byte[]>(); // non-folders whose mtime is set (once per inode)
        var dirs = new List<byte[]>();

        byte[] P(byte[] rel) => UnixPath.Join(root, rel);
        void Dir(byte[] rel, uint mode = 0x1ED)
        {
            RawFiles.Dir(P(rel), mode);
            dirs.Add(rel);
        }
        void File(byte[] rel, string content, uint mode = 0x1A4)
        {
            Write(P(rel), content, mode);
            files.Add(rel);
            timed.Add(rel);
        }

        RawFiles.Dir(root);
        dirs.Add([]);

        File(B("plain.txt"), "hello, coffre\n");
        File(B("empty"), "");
        Dir(B("emptydir"));
        File(B("sp ace  and double.txt"), "spaces\n");
        File(B("<>&.txt"), "html characters\n");
        File(B("quote\"s'.txt"), "quotes\n");
        File(B("back\\slash"), "backslash\n");
        File(B("new\nline"), "newline in the name\n");
        File(B("tab\tname"), "tab in the name\n");
        File(B("nb\u00A0sp"), "no-break space\n");
        File(B("été 日本語 🎉.txt"), "unicode ✓\n");
        File(B("-leading-dash"), "dash\n");
        File(B("soft\u00ADhyphen\u200Dzwj\uFEFFbom"), "invisible characters\n");
        File([.. "bad"u8, 0xFF, .. "utf8"u8], "invalid byte 0xff\n");
        File([.. "caf"u8, 0xE9, .. ".txt"u8], "latin-1 name\n");
        File([0x80, .. "lone-continuation"u8], "lone continuation byte\n");
        byte[] badDir = [.. "bad"u8, 0xFE, 0xFD, .. "dir"u8];
        Dir(badDir, 0x1E8 /* 0750 */);
        File([.. badDir, (byte)'/', .. "inner"u8, 0xC3, .. ".txt"u8], "truncated UTF-8 sequence in the name\n");

        File(B("m0600"), "owner only\n", 0x180);
        File(B("m0755"), "#!/bin/sh\necho executable\n", 0x1ED);
        Dir(B("dir0700"), 0x1C0);
        File(B("dir0700/secret"), "secret\n", 0x180);
        File(B("setuid"), "#!/bin/sh\necho setuid\n", 0x9ED /* 04755 */);
        File(B("setgid"), "#!/bin/sh\necho setgid\n", 0x5ED /* 02755 */);
        Dir(B("sticky"), 0x3FF /* 01777 */);
        File(B("sticky/inside"), "in a sticky folder\n");
        if (Posix.EffectiveUserId == 0)
        {
            File(B("owned-by-nobody"), "uid and gid 65534\n", 0x1A0 /* 0640 */);
            Posix.LChown(P(B("owned-by-nobody")), 65534, 65534);
            Posix.Chmod(P(B("owned-by-nobody")), 0x1A0); // chown may clear bits; set again
        }

        Posix.Symlink(B("plain.txt"), P(B("link-relative")));
        Posix.Symlink(B("does/not/exist"), P(B("link-dangling")));
        Posix.Symlink(B("/nonexistent/absolute target"), P(B("link-absolute")));
        Posix.Symlink(B("été 日本語 🎉.txt"), P(B("link-unicode")));
        Posix.Symlink(B("emptydir"), P(B("link-to-dir")));
        timed.AddRange([B("link-relative"), B("link-dangling"), B("link-absolute"), B("link-unicode"), B("link-to-dir")]);
        if (options.NonUtf8SymlinkTarget)
        {
            Posix.Symlink([.. "bad"u8, 0xFF, .. "utf8"u8], P(B("link-non-utf8")));
            timed.Add(B("link-non-utf8"));
        }

        Dir(B("sub"));
        File(B("hardlink-a"), "one inode, two names\n");
        Posix.Link(P(B("hardlink-a")), P(B("sub/hardlink-b")));
        files.Add(B("sub/hardlink-b")); // same inode: its time is set through hardlink-a

        if (options.Fifo)
        {
            Posix.MakeFifo(P(B("pipe")), 0x1A4);
            Posix.Chmod(P(B("pipe")), 0x1A4);
            timed.Add(B("pipe"));
        }

        Dir(B("deep"));
        Dir(B("deep/a"), 0x1C0);
        Dir(B("deep/a/b"), 0x1F8 /* 0770 */);
        Dir(B("deep/a/b/c"));
        File(B("deep/a/b/c/leaf.txt"), "deep down\n");

        WriteRandom(P(B("big.bin")), options.BigFileSize, options.Seed);
        files.Add(B("big.bin"));
        timed.Add(B("big.bin"));
        WriteCompressible(P(B("compressible.txt")), options.CompressibleSize);
        files.Add(B("compressible.txt"));
        timed.Add(B("compressible.txt"));

        File(B("old-1969"), "before the epoch\n");
        File(B("future-2100"), "far future\n");

        // Times: distinct, with nanoseconds (including 0 and 999999999).
        var i = 0;
        foreach (var rel in timed)
        {
            var name = UnixPath.ToDisplay(rel);
            var (sec, ns) = name switch
            {
                "old-1969" => (-86_400L * 3 - 1, 123_456_789),
                "future-2100" => (4_102_444_800L + 12_345, 999_999_999),
                "plain.txt" => (1_600_000_000L, 0),
                _ => (1_600_000_000L + (++i * 86_413L), (int)((i * 123_456_791L) % 1_000_000_000)),
            };
            SetMtime(P(rel), sec, ns);
        }
        // Folders last, deepest (longest path) first: creating entries changed their times.
        foreach (var rel in dirs.OrderByDescending(d => d.Count(b => b == '/')).ThenByDescending(d => d.Length))
        {
            SetMtime(P(rel), 1_500_000_000L + (++i * 7_777L), (int)((i * 987_654_323L) % 1_000_000_000));
        }
        return new GeneratedTree(root, files);
    }

    /// <summary>A few plain files of random content (for tests that only need data).</summary>
    public static GeneratedTree CreateRandomFiles(byte[] root, int seed, params long[] sizes)
    {
        RawFiles.Dir(root);
        var files = new List<byte[]>();
        for (var k = 0; k < sizes.Length; k++)
        {
            var rel = B($"file-{k}.bin");
            WriteRandom(UnixPath.Join(root, rel), sizes[k], seed * 1000 + k);
            files.Add(rel);
        }
        return new GeneratedTree(root, files);
    }
}

using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using static Coffre.IntegrationTests.Infrastructure.RawFiles;

namespace Coffre.IntegrationTests.RoundTrip;

/// <summary>The comparer the round trips rely on does see each kind of difference (so a passing round trip means something).</summary>
public class TreeComparerSelfTests
{
    private static (TestDirectory Dir, GeneratedTree A, GeneratedTree B) TwoEqualTrees()
    {
        var dir = new TestDirectory("comparer");
        var options = new TreeOptions { BigFileSize = 70_000, CompressibleSize = 10_000 };
        var a = TreeGenerator.CreateAwkward(UnixPath.FromString(dir.Sub("a")), options);
        var b = TreeGenerator.CreateAwkward(UnixPath.FromString(dir.Sub("b")), options);
        return (dir, a, b);
    }

    [Fact]
    public void Two_generated_trees_are_equal()
    {
        var (dir, a, b) = TwoEqualTrees();
        using (dir) Assert.Empty(TreeComparer.Compare(a.Root, b.Root));
    }

    [Fact]
    public void Each_kind_of_difference_is_reported()
    {
        var (dir, a, b) = TwoEqualTrees();
        using (dir)
        {
            Overwrite(b.Path("big.bin"), 65_000, [0x42, 0x43]);
            SetMtime(b.Path("compressible.txt"), 1_600_000_000, 1);
            Posix.Chmod(b.Path("m0600"), 0x1A4);
            Posix.Unlink(b.Path("sub/hardlink-b"));
            Write(b.Path("sub/hardlink-b"), "one inode, two names\n");
            Posix.Unlink(b.Path("link-relative"));
            Posix.Symlink(B("other.txt"), b.Path("link-relative"));
            Posix.Unlink(b.Path([.. "bad"u8, 0xFF, .. "utf8"u8]));
            Write(b.Path("extra"), "x");

            var diffs = string.Join("\n", TreeComparer.Compare(a.Root, b.Root));

            Assert.Contains("big.bin: content differs at byte 65000", diffs);
            Assert.Contains("compressible.txt: mtime", diffs);
            Assert.Contains("m0600: mode 644, expected 600", diffs);
            Assert.Contains("hard-link group [hardlink-a | sub/hardlink-b]", diffs);
            Assert.Contains("link-relative: symlink target 'other.txt'", diffs);
            Assert.Contains("bad\\xFFutf8: missing", diffs);
            Assert.Contains("extra: unexpected", diffs);
        }
    }
}

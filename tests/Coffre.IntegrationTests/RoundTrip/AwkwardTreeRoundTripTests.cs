using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.RoundTrip;

/// <summary>coffre backup then coffre restore of the awkward tree gives the same tree, byte for byte and nanosecond for nanosecond.</summary>
public class AwkwardTreeRoundTripTests
{
    [Fact]
    public void Restore_recreates_the_tree_exactly()
    {
        using var dir = new TestDirectory("roundtrip");
        var tree = TreeGenerator.CreateAwkward(UnixPath.FromString(dir.Sub("src")));
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();

        var summary = coffre.Backup(tree.RootText);

        Assert.Equal(0, summary.Errors);
        Assert.Equal(tree.RegularFiles.Count, summary.FilesNew);
        Assert.Equal(0, summary.FilesChanged + summary.FilesUnmodified);
        var target = dir.Sub("restore");
        coffre.Restore(summary.SnapshotId, target);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(target, tree.Root));
        Verify.RepositoryIntact(repo);
    }

    [Fact]
    public void Restore_latest_with_an_include_restores_only_that_folder()
    {
        using var dir = new TestDirectory("include");
        var tree = TreeGenerator.CreateAwkward(UnixPath.FromString(dir.Sub("src")), new TreeOptions { BigFileSize = 1 << 20, CompressibleSize = 1 << 16 });
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        coffre.Backup(tree.RootText);

        var target = dir.Sub("restore");
        coffre.Restore("latest", target, "--include", tree.RootText + "/deep/a");

        TreeComparer.AssertEqual(tree.Path("deep/a"), Restored.PathOf(target, tree.Path("deep/a")));
        Assert.False(Posix.Exists(Restored.PathOf(target, tree.Path("plain.txt"))), "plain.txt is outside the include and must not be restored");
        Restic.AssertCheckReadData(repo);
    }
}

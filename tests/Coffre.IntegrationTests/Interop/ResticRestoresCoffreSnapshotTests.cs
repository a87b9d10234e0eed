using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Interop;

/// <summary>restic 0.14 reads what Coffre writes: it lists the snapshot and restores identical bytes and metadata.</summary>
public class ResticRestoresCoffreSnapshotTests
{
    [Fact]
    public void Restic_restore_of_a_coffre_snapshot_gives_the_same_tree()
    {
        using var dir = new TestDirectory("restic-restore");
        // restic 0.14 keeps symlink targets that are not UTF-8 only lossily (U+FFFD), so that one is left out.
        var tree = TreeGenerator.CreateAwkward(UnixPath.FromString(dir.Sub("src")), new TreeOptions { NonUtf8SymlinkTarget = false });
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var summary = coffre.Backup(tree.RootText, "--tag", "interop", "--host", "coffre-host");

        var restic = new ResticRunner(repo);
        var snapshot = Assert.Single(restic.Snapshots());
        Assert.Equal(summary.SnapshotId, snapshot.GetProperty("id").GetString());
        Assert.Equal("coffre-host", snapshot.GetProperty("hostname").GetString());
        Assert.Equal(tree.RootText, Assert.Single(snapshot.GetProperty("paths").EnumerateArray()).GetString());
        Assert.Equal("interop", Assert.Single(snapshot.GetProperty("tags").EnumerateArray()).GetString());

        var target = dir.Sub("restore");
        restic.Ok("restore", summary.SnapshotId, "--target", target);

        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(target, tree.Root));
        restic.AssertCheckReadData();
    }
}

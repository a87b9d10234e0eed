using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.BadInput;

/// <summary>
/// The disk holding the repository fills up during a backup: exit 1, one line saying so, no half-written
/// object, no snapshot, and what was stored before is intact.
/// </summary>
[Collection(SerialCollection.Name)]
public class FullDiskTests
{
    [SmallDiskFact]
    public void Backup_onto_a_full_disk_fails_cleanly()
    {
        using var dir = new TestDirectory("full-disk");
        using var disk = SmallDisk.TryMount(dir.Sub("disk"), 8, out var whyNot);
        Assert.True(disk is not null, whyNot);
        var repo = Path.Combine(disk.MountPoint, "repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var small = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("small")), seed: 41, 100_000, 5_000);
        var first = coffre.Backup(small.RootText);
        var big = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("big")), seed: 42, 20L << 20);

        var r = coffre.Run("backup", big.RootText, "--no-space-check");

        Errors.AssertOneLine(r, 1, "full");
        RepoInspector.AssertNoPartialObjects(repo);
        Assert.Equal([first.SnapshotId], RepoInspector.Snapshots(repo));
        Assert.Empty(RepoInspector.Locks(repo));
        var target = dir.Sub("restore");
        coffre.Restore(first.SnapshotId, target);
        TreeComparer.AssertEqual(small.Root, Restored.PathOf(target, small.Root));
        Verify.RepositoryIntact(repo);
    }
}

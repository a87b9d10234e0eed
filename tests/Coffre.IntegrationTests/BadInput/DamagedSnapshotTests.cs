using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.BadInput;

/// <summary>
/// One snapshot file damaged (a bit flipped): check reports it, and the other snapshots stay usable: listed,
/// and restorable by ID (restic 0.14 does both).
/// </summary>
public class DamagedSnapshotTests
{
    [Fact]
    public void Other_snapshots_are_still_listed_and_restored()
    {
        using var dir = new TestDirectory("damaged-snapshot");
        var first = Scenarios.SmallRepository(dir);
        var second = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("second")), seed: 71, 50_000);
        var damaged = first.Coffre.Backup(second.RootText).SnapshotId;
        var path = Path.Combine(first.Repository, "snapshots", damaged);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x04;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(path, bytes);

        var check = first.Coffre.Run("check");
        Assert.True(check.ExitCode == 1, check.Describe());
        Assert.Contains(damaged[..8], check.StdOut + check.StdErr);

        var list = first.Coffre.Run("snapshots");
        Errors.AssertNoCrash(list);
        Assert.True(list.StdOut.Contains(first.SnapshotId[..8], StringComparison.Ordinal), $"the intact snapshot must still be listed\n{list.Describe()}");

        var restore = first.Coffre.Run("restore", first.SnapshotId, "--target", dir.Sub("restore"));
        Assert.True(restore.ExitCode == 0, $"the intact snapshot must still restore by its ID\n{restore.Describe()}");
        TreeComparer.AssertEqual(first.Tree.Root, Restored.PathOf(dir.Sub("restore"), first.Tree.Root));
    }
}

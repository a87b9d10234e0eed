using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using static Coffre.IntegrationTests.Infrastructure.RawFiles;

namespace Coffre.IntegrationTests.RoundTrip;

/// <summary>restore refuses to mix a snapshot into a folder that holds something, unless told to overwrite.</summary>
public class RestoreTargetTests
{
    [Fact]
    public void Non_empty_target_is_refused_without_overwrite_and_replaced_with_it()
    {
        using var dir = new TestDirectory("target");
        var small = Scenarios.SmallRepository(dir);
        var target = dir.CreateSub("restore");
        var stray = UnixPath.FromString(Path.Combine(target, "stray.txt"));
        Write(stray, "was here before\n");

        var refused = small.Coffre.Run("restore", small.SnapshotId, "--target", target);

        Errors.AssertOneLine(refused, 1, "not empty");
        Assert.Equal(["stray.txt"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));

        // A restored file edited since: --overwrite puts the snapshot's version back.
        var again = dir.Sub("restore-2");
        small.Coffre.Restore(small.SnapshotId, again);
        Write(Restored.PathOf(again, small.Tree.Path(small.Tree.RegularFiles[1])), "edited after the restore\n");
        small.Coffre.Restore(small.SnapshotId, again, "--overwrite");

        TreeComparer.AssertEqual(small.Tree.Root, Restored.PathOf(again, small.Tree.Root));
        Restic.AssertCheckReadData(small.Repository);
    }

    [Fact]
    public void Target_that_is_a_file_is_refused()
    {
        using var dir = new TestDirectory("target-file");
        var small = Scenarios.SmallRepository(dir);
        var file = dir.Sub("a-file");
        File.WriteAllText(file, "x");

        Errors.AssertOneLine(small.Coffre.Run("restore", small.SnapshotId, "--target", file), 1);
        Assert.Equal("x", File.ReadAllText(file));
    }
}

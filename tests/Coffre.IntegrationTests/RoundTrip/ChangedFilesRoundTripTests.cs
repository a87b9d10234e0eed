using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using static Coffre.IntegrationTests.Infrastructure.RawFiles;

namespace Coffre.IntegrationTests.RoundTrip;

/// <summary>
/// Two backups of a tree that changes in between: the second one reads only what changed (the parent snapshot
/// vouches for the rest), and each snapshot restores to its own content.
/// </summary>
public class ChangedFilesRoundTripTests
{
    [Fact]
    public void Second_backup_counts_changes_and_each_snapshot_restores_its_own_content()
    {
        using var dir = new TestDirectory("changes");
        var tree = TreeGenerator.CreateAwkward(UnixPath.FromString(dir.Sub("src")));
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();

        var first = coffre.Backup(tree.RootText);
        var firstRestore = dir.Sub("restore-1");
        coffre.Restore(first.SnapshotId, firstRestore);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(firstRestore, tree.Root));

        // Change two files (one keeps its size), add one, delete one; the rest stays untouched.
        Write(tree.Path("plain.txt"), "hello again, coffre: a longer line than before\n");
        SetMtime(tree.Path("plain.txt"), 1_700_000_000, 111_111_111);
        Overwrite(tree.Path("big.bin"), 10 << 20, "changed in the middle"u8);
        SetMtime(tree.Path("big.bin"), 1_700_000_001, 222_222_222);
        Write(tree.Path("new file ✓.txt"), "added between the backups\n");
        SetMtime(tree.Path("new file ✓.txt"), 1_700_000_002, 333_333_333);
        Posix.Unlink(tree.Path("m0600"));
        SetMtime(tree.Root, 1_700_000_003, 444_444_444);

        var second = coffre.Backup(tree.RootText);

        Assert.Equal(1, second.FilesNew);
        Assert.Equal(2, second.FilesChanged);
        Assert.Equal(tree.RegularFiles.Count - 3, second.FilesUnmodified);
        Assert.True(second.DataBlobs < first.DataBlobs / 2,
            $"only the changed chunks should be new: {second.DataBlobs} new data blobs, the first backup had {first.DataBlobs}");

        var secondRestore = dir.Sub("restore-2");
        coffre.Restore(second.SnapshotId, secondRestore);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(secondRestore, tree.Root));

        var firstAgain = dir.Sub("restore-1-again");
        coffre.Restore(first.SnapshotId, firstAgain);
        TreeComparer.AssertEqual(Restored.PathOf(firstRestore, tree.Root), Restored.PathOf(firstAgain, tree.Root));

        Verify.RepositoryIntact(repo);
    }

    [Fact]
    public void File_rewritten_with_the_same_size_and_mtime_is_read_again()
    {
        using var dir = new TestDirectory("same-mtime");
        var tree = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("src")), seed: 8, 100_000, 100_000);
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var before = Posix.LStat(tree.Path("file-0.bin"));
        coffre.Backup(tree.RootText);

        // Same size, same mtime, new content: only the ctime tells (as in restic).
        WriteRandom(tree.Path("file-0.bin"), 100_000, 99);
        Posix.SetTimes(tree.Path("file-0.bin"), before.AccessTime, before.ModifyTime);
        var second = coffre.Backup(tree.RootText);

        Assert.Equal(1, second.FilesChanged);
        Assert.Equal(1, second.FilesUnmodified);
        var target = dir.Sub("restore");
        coffre.Restore(second.SnapshotId, target);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(target, tree.Root));
        Restic.AssertCheckReadData(repo);
    }

    [Fact]
    public void Backup_with_force_reads_every_file_again()
    {
        using var dir = new TestDirectory("force");
        var tree = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("src")), seed: 7, 300_000, 2_000_000, 0);
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        coffre.Backup(tree.RootText);

        var forced = coffre.Backup(tree.RootText, "--force");

        Assert.Equal(0, forced.FilesUnmodified);
        Assert.Equal(3, forced.FilesNew + forced.FilesChanged);
        Assert.Equal(0, forced.DataBlobs); // read again, but every chunk is already stored
        Restic.AssertCheckReadData(repo);
    }
}

using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Interop;

/// <summary>
/// Repositories restic shaped in other ways still read in Coffre: data stored uncompressed or at maximum
/// compression, and packs and indexes rewritten by <c>restic forget --prune</c>.
/// </summary>
public class ResticWrittenVariantsTests
{
    [Theory]
    [InlineData("off")]
    [InlineData("max")]
    public void Coffre_restores_and_checks_data_restic_stored_with_compression(string compression)
    {
        using var dir = new TestDirectory("restic-compression-" + compression);
        var tree = TreeGenerator.CreateAwkward(UnixPath.FromString(dir.Sub("src")),
            new TreeOptions { NonUtf8SymlinkTarget = false, BigFileSize = 4 << 20, CompressibleSize = 2 << 20 });
        var repo = dir.Sub("repo");
        var restic = new ResticRunner(repo);
        restic.Ok("init", "--repository-version", "2");
        restic.Backup("--compression", compression, tree.RootText);

        var coffre = new CoffreRunner(repo);
        var check = coffre.Run("check", "--read-data");
        Assert.True(check.ExitCode == 0, check.Describe());
        var target = dir.Sub("restore");
        coffre.Restore("latest", target);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(target, tree.Root));
        restic.AssertCheckReadData();
    }

    [Fact]
    public void Coffre_reads_a_coffre_repository_after_restic_forget_and_prune()
    {
        using var dir = new TestDirectory("restic-prune");
        var src = UnixPath.FromString(dir.Sub("src"));
        var tree = TreeGenerator.CreateRandomFiles(src, seed: 61, 6 << 20, 200_000);
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        coffre.Backup(tree.RootText);
        RawFiles.WriteRandom(tree.Path("file-0.bin"), 6 << 20, 62); // replaced: the old chunks become garbage
        coffre.Backup(tree.RootText);
        RawFiles.WriteRandom(tree.Path("added.bin"), 3 << 20, 63);
        var kept = coffre.Backup(tree.RootText).SnapshotId;

        var restic = new ResticRunner(repo);
        restic.Ok("forget", "--keep-last", "1", "--prune");

        var left = Assert.Single(coffre.Snapshots());
        Assert.Equal(kept, left.GetProperty("id").GetString());
        var check = coffre.Run("check", "--read-data");
        Assert.True(check.ExitCode == 0, check.Describe());
        var target = dir.Sub("restore");
        coffre.Restore("latest", target);
        TreeComparer.AssertEqual(src, Restored.PathOf(target, src));
        // And Coffre keeps writing into the pruned repository.
        RawFiles.WriteRandom(tree.Path("after-prune.bin"), 1 << 20, 64);
        coffre.Backup(tree.RootText);
        Verify.RepositoryIntact(repo);
    }
}

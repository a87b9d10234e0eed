using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using static Coffre.IntegrationTests.Infrastructure.RawFiles;

namespace Coffre.IntegrationTests.Interop;

/// <summary>
/// Coffre and restic cut the same data into the same chunks (same Rabin chunker, same polynomial), so each
/// deduplicates against the other's blobs. The files are several MiB so that they span many chunks.
/// </summary>
public class ChunkingMatchesResticTests
{
    private static GeneratedTree Data(TestDirectory dir)
    {
        var tree = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("data")), seed: 11, 9 << 20, (3 << 20) + 12345, 700_000);
        WriteCompressible(tree.Path("text.log"), 6 << 20);
        return tree with { RegularFiles = [.. tree.RegularFiles, B("text.log")] };
    }

    [Fact]
    public void Restic_backup_of_the_same_data_into_a_coffre_repository_adds_no_data_blob()
    {
        using var dir = new TestDirectory("chunk-restic");
        var tree = Data(dir);
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var ours = coffre.Backup(tree.RootText);
        // ~19.7 MiB cut by the repository's random polynomial: about 18 chunks on average, rarely under 10 (seen: 9);
        // at least 5 (so several files span several chunks) keeps the comparison meaningful without flaking.
        Assert.True(ours.DataBlobs >= 5, $"the data should span many chunks, got {ours.DataBlobs}");

        // --force: restic reads and chunks every file instead of trusting the parent snapshot.
        var theirs = new ResticRunner(repo).Backup("--force", tree.RootText);

        Assert.Equal(4, theirs.GetProperty("total_files_processed").GetInt64());
        Assert.True(theirs.GetProperty("data_blobs").GetInt64() == 0,
            $"restic stored {theirs.GetProperty("data_blobs").GetInt64()} new data blobs out of {ours.DataBlobs}: the chunk boundaries differ");
        Restic.AssertCheckReadData(repo);
    }

    [Fact]
    public void Restic_trusts_a_coffre_parent_snapshot_and_skips_unchanged_files()
    {
        using var dir = new TestDirectory("parent-restic");
        var tree = Data(dir);
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var ours = coffre.Backup(tree.RootText);

        var restic = new ResticRunner(repo);
        var theirs = restic.Backup(tree.RootText);

        // restic 0.14 prints the short ID in its summary.
        var resticSnapshot = restic.Snapshots().Single(s => s.GetProperty("id").GetString()!.StartsWith(theirs.GetProperty("snapshot_id").GetString()!, StringComparison.Ordinal));
        Assert.Equal(ours.SnapshotId, resticSnapshot.GetProperty("parent").GetString());
        Assert.Equal(4, theirs.GetProperty("files_unmodified").GetInt64());
        Assert.Equal(0, theirs.GetProperty("data_blobs").GetInt64());
        restic.AssertCheckReadData();
    }

    [Fact]
    public void Coffre_backup_of_a_file_restic_already_stored_adds_no_data_blob()
    {
        using var dir = new TestDirectory("chunk-coffre");
        var tree = Data(dir);
        var repo = dir.Sub("repo");
        var restic = new ResticRunner(repo);
        restic.Ok("init", "--repository-version", "2");
        restic.Backup(tree.RootText);

        // The same bytes under another name: no parent snapshot, so coffre reads and chunks everything.
        var copy = UnixPath.FromString(dir.Sub("copy"));
        Dir(copy);
        foreach (var f in tree.RegularFiles) Write(UnixPath.Join(copy, f), Read(tree.Path(f)));
        var ours = new CoffreRunner(repo).Backup(UnixPath.ToDisplay(copy));

        Assert.Equal(4, ours.FilesNew);
        Assert.True(ours.DataBlobs == 0, $"coffre stored {ours.DataBlobs} new data blobs for data restic already has: the chunk boundaries differ");
        var target = dir.Sub("restore");
        new CoffreRunner(repo).Restore(ours.SnapshotId, target);
        TreeComparer.AssertEqual(copy, Restored.PathOf(target, copy), new CompareOptions { RootMetadata = false });
        restic.AssertCheckReadData();
    }
}

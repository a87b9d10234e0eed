using Coffre.IntegrationTests.Infrastructure;
using System.Text.Json;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// What prune does with what interrupted runs and damage leave: blobs stored twice, packs no index names, temp
/// files, index entries for packs that are gone (harmless ones are dropped, needed ones stop the prune).
/// </summary>
public class PruneEdgeCaseTests
{
    [Fact]
    public void Duplicate_blobs_unindexed_packs_and_temp_files_are_cleaned_up()
    {
        using var dir = new TestDirectory("prune-dups");
        var s = PruneScenario.Create(dir, dir.Sub("repo"));
        var repo = s.Repo;

        // The same data again while the index is hidden: every blob of v4 is then stored twice.
        var hidden = HideIndexFiles(repo, dir.Sub("hidden-index"));
        var again = s.Coffre.Backup(s.Snapshots[3].Source.RootText, "--force", "--tag", "again");
        RestoreIndexFiles(repo, hidden);
        s.Snapshots.Add((again.SnapshotId, s.Snapshots[3].Source));
        // A backup whose index file and snapshot are lost, as if it had been killed before writing them.
        var indexBefore = RepoInspector.Indexes(repo);
        var lostSource = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("lost")), seed: 99, 700_000);
        var lost = s.Coffre.Backup(lostSource.RootText, "--tag", "lost");
        foreach (var index in RepoInspector.Indexes(repo).Except(indexBefore)) File.Delete(Path.Combine(repo, "index", index));
        File.Delete(Path.Combine(repo, "snapshots", lost.SnapshotId));
        // Temp files of interrupted writes.
        File.WriteAllText(Path.Combine(repo, "data", "pack-0123456789abcdef-tmp"), "half a pack");
        File.WriteAllText(Path.Combine(repo, "index", new string('a', 64) + "-tmp-0123456789abcdef"), "half an index");
        File.WriteAllText(Path.Combine(repo, "data", $".coffre-sqlite-{Guid.NewGuid():N}.sqlite"), "half a dump");
        Assert.Contains(s.BlobLocations().Values, packs => packs.Count > 1);
        var packsBefore = RepoInspector.Packs(repo);

        var run = s.Prune();

        Assert.True(run.GetProperty("duplicate_blobs").GetInt32() > 0);
        var unreferenced = PruneScenario.Strings(run, "unreferenced_packs");
        Assert.Equal(2, unreferenced.Count); // the lost backup's data and tree packs
        Assert.All(unreferenced, p => Assert.DoesNotContain(p, RepoInspector.Packs(repo)));
        var twice = s.BlobLocations().Where(kv => kv.Value.Count > 1).Select(kv => kv.Key).ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} blobs are still in more than one pack");
        Assert.True(RepoInspector.Packs(repo).Count < packsBefore.Count);
        RepoInspector.AssertNoPartialObjects(repo);
        s.AssertIntact(dir);
        Assert.False(s.Prune().GetProperty("changed").GetBoolean());
    }

    [Fact]
    public void A_missing_pack_that_only_forgotten_snapshots_used_is_dropped_from_the_index()
    {
        using var dir = new TestDirectory("prune-missing");
        var s = PruneScenario.Create(dir, dir.Sub("repo"));
        // v3's data pack holds only-3 and its small files: only v3 uses it.
        var only3 = DataPackOf(s, 2);
        s.Forget(2);
        File.Delete(RepoInspector.PackPath(s.Repo, only3));
        Assert.NotEqual(0, s.Coffre.Run("check").ExitCode);

        var run = s.Prune();

        Assert.Equal([only3], PruneScenario.Strings(run, "missing_packs_dropped"));
        s.AssertIntact(dir);
        Assert.False(s.Prune().GetProperty("changed").GetBoolean());
    }

    [Fact]
    public void A_missing_pack_that_a_snapshot_needs_stops_the_prune_and_nothing_changes()
    {
        using var dir = new TestDirectory("prune-needed");
        var s = PruneScenario.Create(dir, dir.Sub("repo"));
        var needed = DataPackOf(s, 3);
        s.Forget(0, 2);
        File.Delete(RepoInspector.PackPath(s.Repo, needed));
        var before = s.Files();

        var r = s.Coffre.Run("prune");

        Errors.AssertOneLine(r, 1, needed[..8], "coffre check");
        Assert.Equal(before, s.Files());
        Assert.Empty(RepoInspector.Locks(s.Repo));
    }

    [Fact]
    public void A_damaged_index_file_stops_the_prune_and_nothing_changes()
    {
        using var dir = new TestDirectory("prune-badindex");
        var s = PruneScenario.Create(dir, dir.Sub("repo"));
        s.Forget(0);
        var index = Path.Combine(s.Repo, "index", RepoInspector.Indexes(s.Repo)[0]);
        File.SetUnixFileMode(index, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        RawFiles.Overwrite(UnixPath.FromString(index), 40, [1, 2, 3, 4]);
        var before = s.Files();

        var r = s.Coffre.Run("prune");

        Errors.AssertOneLine(r, 1, "index", "coffre check");
        Assert.Equal(before, s.Files());
    }

    /// <summary>The pack holding the first blob of snapshot <paramref name="i"/>'s own file (only-N.bin): the data pack its backup wrote.</summary>
    private static string DataPackOf(PruneScenario s, int i) => s.BlobLocations()[ContentOf(s, i, $"only-{i + 1}.bin")].Single();

    /// <summary>The first data blob of a file of snapshot <paramref name="i"/>, read from its trees with restic cat.</summary>
    private static string ContentOf(PruneScenario s, int i, string name)
    {
        using var snapshot = JsonDocument.Parse(s.Restic.Ok("cat", "snapshot", s.Snapshots[i].Id).StdOut);
        var tree = snapshot.RootElement.GetProperty("tree").GetString()!;
        foreach (var element in s.Snapshots[i].Source.RootText.TrimStart('/').Split('/'))
            tree = Node(s, tree, element).GetProperty("subtree").GetString()!;
        return Node(s, tree, name).GetProperty("content")[0].GetString()!;
    }

    private static JsonElement Node(PruneScenario s, string tree, string name)
    {
        using var doc = JsonDocument.Parse(s.Restic.Ok("cat", "blob", tree).StdOut);
        return doc.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name).Clone();
    }

    private static List<string> HideIndexFiles(string repo, string to)
    {
        Directory.CreateDirectory(to);
        var names = RepoInspector.Indexes(repo);
        foreach (var n in names) File.Move(Path.Combine(repo, "index", n), Path.Combine(to, n));
        return [.. names.Select(n => Path.Combine(to, n))];
    }

    private static void RestoreIndexFiles(string repo, List<string> files)
    {
        foreach (var f in files) File.Move(f, Path.Combine(repo, "index", Path.GetFileName(f)));
    }
}

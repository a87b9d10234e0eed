using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Interop;

/// <summary>Coffre reads what restic 0.14 writes: snapshots, ls, restore and check on a repository restic created.</summary>
public class CoffreRestoresResticSnapshotTests
{
    [Fact]
    public void Coffre_lists_restores_and_checks_a_restic_snapshot()
    {
        using var dir = new TestDirectory("coffre-reads-restic");
        var tree = TreeGenerator.CreateAwkward(UnixPath.FromString(dir.Sub("src")), new TreeOptions { NonUtf8SymlinkTarget = false });
        var repo = dir.Sub("repo");
        var restic = new ResticRunner(repo);
        restic.Ok("init", "--repository-version", "2");
        var resticSummary = restic.Backup(tree.RootText, "--host", "restic-host");
        var snapshotId = restic.Snapshots().Single().GetProperty("id").GetString()!;
        Assert.StartsWith(resticSummary.GetProperty("snapshot_id").GetString()!, snapshotId); // restic 0.14 prints the short ID there

        var coffre = new CoffreRunner(repo);
        var listed = Assert.Single(coffre.Snapshots());
        Assert.Equal(snapshotId, listed.GetProperty("id").GetString());
        Assert.Equal("restic-host", listed.GetProperty("hostname").GetString());
        Assert.Equal(tree.RootText, Assert.Single(listed.GetProperty("paths").EnumerateArray()).GetString());

        var ls = coffre.Ok("ls", snapshotId[..8], tree.RootText + "/deep", "--json");
        var paths = ls.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("path").GetString()).ToList();
        Assert.Equal(
            new[] { "/deep", "/deep/a", "/deep/a/b", "/deep/a/b/c", "/deep/a/b/c/leaf.txt" }.Select(p => tree.RootText + p),
            paths);

        var target = dir.Sub("restore");
        coffre.Restore("latest", target);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(target, tree.Root));

        var check = coffre.Run("check", "--read-data");
        Assert.True(check.ExitCode == 0, check.Describe());
        Assert.Empty(RepoInspector.Locks(repo)); // coffre released its locks
        restic.AssertCheckReadData();
    }
}

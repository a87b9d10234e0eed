using System.Text.RegularExpressions;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// coffre prune on repositories whose snapshots share data, after restic forgot some of them: what goes is what
/// restic's own prune would remove, both checkers accept the result, every remaining snapshot restores exactly,
/// a second prune has nothing to do, and restic can prune the repository afterwards.
/// </summary>
public class PruneTests
{
    [Fact]
    public void Prune_removes_what_forgotten_snapshots_alone_used_and_keeps_every_other_snapshot_whole()
    {
        using var dir = new TestDirectory("prune");
        var s = PruneScenario.Create(dir, dir.Sub("repo"));
        s.Forget(0, 2);
        var before = s.Files();
        var bytesBefore = s.PackBytes();

        var dry = s.Prune("--dry-run");
        Assert.Equal(before, s.Files());
        Assert.False(dry.GetProperty("changed").GetBoolean());
        Assert.NotEmpty(PruneScenario.Strings(dry, "repack_packs"));
        Assert.NotEmpty(PruneScenario.Strings(dry, "delete_packs"));

        var run = s.Prune();
        Assert.True(run.GetProperty("changed").GetBoolean());
        Assert.Equal(PruneScenario.Strings(dry, "repack_packs"), PruneScenario.Strings(run, "repack_packs"));
        Assert.Equal(PruneScenario.Strings(dry, "delete_packs"), PruneScenario.Strings(run, "delete_packs"));
        foreach (var gone in PruneScenario.Strings(run, "repack_packs").Concat(PruneScenario.Strings(run, "delete_packs")))
            Assert.False(File.Exists(RepoInspector.PackPath(s.Repo, gone)), $"pack {gone} should be deleted");
        // What the prune said it frees is what the packs lost (new pack headers aside).
        var freed = run.GetProperty("freed_bytes").GetInt64();
        Assert.True(freed > 3_000_000, $"freed only {freed} bytes");
        Assert.InRange(bytesBefore - s.PackBytes(), freed - 4096, freed + 4096);
        Assert.Equal(0, run.GetProperty("unused_after").GetInt64());
        RepoInspector.AssertNoPartialObjects(s.Repo);
        Assert.Empty(RepoInspector.Locks(s.Repo));
        s.AssertIntact(dir);

        var again = s.Prune();
        Assert.False(again.GetProperty("changed").GetBoolean(), "a second prune must have nothing to do");
        Assert.Equal(0, again.GetProperty("freed_bytes").GetInt64());
        Assert.Empty(PruneScenario.Strings(again, "obsolete_index_files"));
    }

    [Fact]
    public void Prune_decides_as_restic_prune_would()
    {
        using var dir = new TestDirectory("prune-oracle");
        var s = PruneScenario.Create(dir, dir.Sub("repo"));
        s.Forget(0, 2);
        var copy = s.CopyTo(dir.Sub("repo-restic"));

        var ours = s.Prune("--dry-run");
        var restic = copy.Restic.Ok("prune", "--dry-run", "-vv").StdOut;

        var repack = ShortIds(restic, "Would have repacked and removed the following packs:");
        var delete = ShortIds(restic, "Would have removed the following no longer used packs:");
        Assert.NotEmpty(repack);
        Assert.True(delete.Count >= 2, $"restic deletes {delete.Count} packs");
        Assert.Equal(repack, PruneScenario.Strings(ours, "repack_packs").Select(p => p[..8]).ToList());
        Assert.Equal(delete, PruneScenario.Strings(ours, "delete_packs").Select(p => p[..8]).ToList());
        Assert.Empty(PruneScenario.Strings(ours, "unreferenced_packs"));
    }

    [Fact]
    public void Restic_prunes_a_repository_coffre_pruned_and_coffre_reads_the_result()
    {
        using var dir = new TestDirectory("prune-restic");
        var s = PruneScenario.Create(dir, dir.Sub("repo"));
        s.Forget(0);
        s.Prune();

        s.Forget(0);
        s.Restic.Ok("prune");
        s.AssertIntact(dir);
        s.Prune();
        s.AssertIntact(dir);
        Assert.False(s.Prune().GetProperty("changed").GetBoolean());
    }

    [Fact]
    public void Options_that_are_not_sizes_or_shares_are_refused_in_one_line()
    {
        using var dir = new TestDirectory("prune-options");
        var repo = Scenarios.SmallRepository(dir);
        Errors.AssertOneLine(repo.Coffre.Run("prune", "--max-unused", "120%"), 1, "--max-unused");
        Errors.AssertOneLine(repo.Coffre.Run("prune", "--max-repack-size", "lots"), 1, "--max-repack-size");
        Assert.Empty(RepoInspector.Locks(repo.Repository));
    }

    /// <summary>The short pack IDs restic -vv prints after <paramref name="heading"/> as "{id1 id2}".</summary>
    private static List<string> ShortIds(string output, string heading)
    {
        var at = output.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(at >= 0, $"restic did not print '{heading}':\n{output}");
        var set = Regex.Match(output[(at + heading.Length)..], @"\{([^}]*)\}").Groups[1].Value;
        return [.. set.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];
    }
}

using Coffre.IntegrationTests.Infrastructure;
using Coffre.Maintenance.Prune;
using Coffre.Platform;
using Coffre.Repository.Locking;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// prune stopped dead at every point where it changes the repository (in-process, through a backend that fails every
/// call after its Nth change: see <see cref="CrashingBackend"/>), and the real command killed with SIGKILL at a few
/// moments in real time: the repository left behind passes
/// restic's and Coffre's check --read-data, every snapshot restores, a new prune finishes the job and the one
/// after it has nothing to do.
/// </summary>
[Collection(SerialCollection.Name)]
public class PruneCrashTests
{
    [Fact]
    public void Prune_stopped_after_any_change_leaves_a_valid_repository_that_the_next_prune_completes()
    {
        using var dir = new TestDirectory("prune-kill");
        var pristine = Prepare(dir);
        var expected = pristine.CopyTo(dir.Sub("uninterrupted"));
        var full = expected.Prune();
        Assert.True(full.GetProperty("reindexed_packs").GetInt32() > 0);
        var changes = full.GetProperty("unreferenced_packs").GetArrayLength() + full.GetProperty("repack_packs").GetArrayLength() * 2
                      + full.GetProperty("delete_packs").GetArrayLength() + full.GetProperty("obsolete_index_files").GetArrayLength() + 1;
        Assert.True(changes >= 8, $"the scenario should take many steps, not {changes}");

        var killed = 0;
        for (var n = 1; n < 100; n++)
        {
            var s = pristine.CopyTo(dir.Sub($"kill-{n}"));
            if (!CrashedPrune(s.Repo, n)) break;
            killed++;
            // A crashed process leaves its lock, which 'coffre unlock' removes once that process is gone; here the
            // "process" was this test, still alive, so its lock goes by hand.
            foreach (var l in RepoInspector.Names(s.Repo, "locks")) File.Delete(Path.Combine(s.Repo, "locks", l));
            AssertRecovers(s, dir, expected.PackBytes(), $"crashed after change {n}");
            TestDirectory.RemoveAll(UnixPath.FromString(s.Repo));
        }
        Assert.True(killed >= changes, $"prune was killed at {killed} points, it makes at least {changes} changes");
    }

    /// <summary>Runs prune (the command's default options) in-process until its Nth change; true when it "crashed" there, false when it finished first.</summary>
    private static bool CrashedPrune(string repository, int changes)
    {
        var backend = new CrashingBackend(new LocalBackend(repository), changes);
        try
        {
            Task.Run(async () =>
            {
                var repo = await Coffre.Repository.Repository.OpenAsync(backend, System.Text.Encoding.UTF8.GetBytes(TestPasswords.Default), default);
                await using var held = await RepositoryLock.AcquireAsync(repo, exclusive: true, TimeProvider.System, default);
                var pruner = new Pruner(repo);
                var plan = await pruner.PlanAsync(new PruneOptions(), default);
                if (plan.HasWork) await pruner.ExecuteAsync(plan, null, default);
            }).GetAwaiter().GetResult();
            return false;
        }
        catch (Exception) when (backend.Crashed)
        {
            return true;
        }
    }

    [Fact]
    public void Prune_killed_at_any_moment_leaves_a_valid_repository_that_the_next_prune_completes()
    {
        using var dir = new TestDirectory("prune-sigkill");
        var pristine = Prepare(dir);
        var expected = pristine.CopyTo(dir.Sub("uninterrupted"));
        expected.Prune();
        foreach (var delayMs in new[] { 0, 40, 100, 200, 350, 600 })
        {
            var s = pristine.CopyTo(dir.Sub($"kill-{delayMs}"));
            using (var running = s.Coffre.Start("prune"))
            {
                var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
                while (RepoInspector.Locks(s.Repo).Count == 0 && !running.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(5);
                Thread.Sleep(delayMs);
                if (!running.HasExited) LibC.kill(running.Id, 9);
                running.Wait(TimeSpan.FromMinutes(1));
            }
            AssertRecovers(s, dir, expected.PackBytes(), $"killed {delayMs} ms after it locked the repository");
            TestDirectory.RemoveAll(UnixPath.FromString(s.Repo));
        }
    }

    /// <summary>
    /// The scenario with two snapshots forgotten, its index rebuilt by restic into one file (so that prune must
    /// describe the kept packs anew), plus a pack no index names: ready to prune.
    /// </summary>
    private static PruneScenario Prepare(TestDirectory dir)
    {
        var s = PruneScenario.Create(dir, dir.Sub("pristine"));
        s.Forget(0, 2);
        s.Restic.Ok("rebuild-index");
        Assert.Single(RepoInspector.Indexes(s.Repo));
        var indexBefore = RepoInspector.Indexes(s.Repo);
        var lost = s.Coffre.Backup(TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("lost")), seed: 98, 600_000).RootText);
        foreach (var index in RepoInspector.Indexes(s.Repo).Except(indexBefore)) File.Delete(Path.Combine(s.Repo, "index", index));
        File.Delete(Path.Combine(s.Repo, "snapshots", lost.SnapshotId));
        return s;
    }

    private static void AssertRecovers(PruneScenario s, TestDirectory dir, long expectedPackBytes, string when)
    {
        // A killed process leaves its lock; restic refuses to work until it is removed ('coffre unlock' does).
        s.Coffre.Ok("unlock");
        var check = s.Coffre.Run("check", "--read-data");
        Assert.True(check.ExitCode == 0, $"{when}: coffre check --read-data fails\n{check.Describe()}");
        var restic = s.Restic.Run("check", "--read-data");
        Assert.True(restic.ExitCode == 0 && restic.StdOut.Contains("no errors were found", StringComparison.Ordinal), $"{when}: restic check --read-data fails\n{restic.Describe()}");
        s.AssertRestores(dir);

        s.Prune();
        var again = s.Prune();
        Assert.False(again.GetProperty("changed").GetBoolean(), $"{when}: the prune after the rerun still has work");
        RepoInspector.AssertNoPartialObjects(s.Repo);
        // As much data as after an uninterrupted prune (the new packs' IDs differ: every encryption takes a new IV).
        Assert.InRange(s.PackBytes(), expectedPackBytes - 8192, expectedPackBytes + 8192);
        Verify.RepositoryIntact(s.Repo);
    }
}

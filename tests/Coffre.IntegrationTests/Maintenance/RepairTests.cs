using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// restic's repair verbs, checked by restic 0.14 itself: after the repairs restic's check --read-data passes, the
/// undamaged snapshots restore unchanged, and a repaired snapshot is marked the way restic marks it.
/// </summary>
public class RepairTests
{
    private static List<JsonElement> ResticSnapshots(DamageScenario s)
    {
        using var doc = JsonDocument.Parse(s.Restic.Ok("snapshots", "--json").StdOut);
        return [.. doc.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    [Fact]
    public void Missing_packs_repair_index_then_snapshots_leaves_a_repository_restic_checks_clean()
    {
        using var dir = new TestDirectory("repair-missing");
        var s = DamageScenario.Create(dir);
        var (a, b, c) = (s.Backups[0], s.Backups[1], s.Backups[2]);
        s.DeletePack(a.TreePack);
        s.DeletePack(b.DataPack);
        var snapshotsBefore = RepoInspector.Snapshots(s.Repository);

        var index = s.Coffre.Ok("repair", "index");
        Assert.Contains($"removing not found pack file {a.TreePack}", index.StdOut);
        Assert.Contains($"removing not found pack file {b.DataPack}", index.StdOut);
        Assert.Contains("the index is complete", s.Coffre.Ok("repair", "index").StdOut);

        var dry = s.Coffre.Ok("repair", "snapshots", "--dry-run");
        Assert.Contains("would delete empty snapshot", dry.StdOut);
        Assert.Contains("removed missing content", dry.StdOut);
        Assert.Equal(snapshotsBefore, RepoInspector.Snapshots(s.Repository));

        // Without --forget: a new snapshot tagged "repaired" with "original" set; the damaged one stays.
        var repaired = s.Coffre.Ok("repair", "snapshots", b.Snapshot);
        Assert.Contains("file \"/", repaired.StdOut);
        var marked = Assert.Single(ResticSnapshots(s), e => e.TryGetProperty("original", out var o) && o.GetString() == b.Snapshot);
        Assert.Contains("repaired", marked.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains(b.Snapshot, RepoInspector.Snapshots(s.Repository));

        // With --forget: the damaged snapshots go, the one whose root is lost is removed.
        s.Coffre.Ok("repair", "snapshots", "--forget");
        Assert.DoesNotContain(a.Snapshot, RepoInspector.Snapshots(s.Repository));
        Assert.DoesNotContain(b.Snapshot, RepoInspector.Snapshots(s.Repository));
        Assert.Contains(c.Snapshot, RepoInspector.Snapshots(s.Repository)); // untouched: same ID

        s.Restic.Ok("check", "--read-data");
        s.Coffre.Ok("check", "--read-data");
        s.AssertRestores(c.Snapshot, c.Source);
        Assert.Contains("no snapshots were modified", s.Coffre.Ok("repair", "snapshots").StdOut);
        Assert.Empty(RepoInspector.Locks(s.Repository));
    }

    [Fact]
    public void Repair_packs_salvages_the_sound_blobs_and_keeps_a_copy()
    {
        using var dir = new TestDirectory("repair-packs");
        var s = DamageScenario.Create(dir);
        var b = s.Backups[1];
        s.FlipByte(b.DataPack, 1000);
        Assert.Equal(1, s.Coffre.Run("check", "--read-data").ExitCode);

        var r = s.Coffre.Ok("repair", "packs", b.DataPack);

        Assert.Contains("2 blob(s) salvaged, 1 lost", r.StdOut);
        Assert.True(File.Exists(Path.Combine(dir.Sub("work"), "pack-" + b.DataPack)), "a copy of the damaged pack is kept in the current folder");
        Assert.DoesNotContain(b.DataPack, RepoInspector.Packs(s.Repository));
        // The lost blob is now missing: the snapshot is repaired (restic's advice), then everything checks.
        Assert.Equal(1, s.Coffre.Run("check").ExitCode);
        s.Coffre.Ok("repair", "snapshots", "--forget");
        s.Restic.Ok("check", "--read-data");
        s.Coffre.Ok("check", "--read-data");
        s.AssertRestores(s.Backups[0].Snapshot, s.Backups[0].Source);
    }

    [Fact]
    public async Task Repairs_want_full_pack_ids_and_an_exclusive_lock()
    {
        using var dir = new TestDirectory("repair-args");
        var s = DamageScenario.Create(dir);
        Errors.AssertOneLine(s.Coffre.Run("repair", "packs", s.Backups[0].DataPack[..8]), 1, "full ID");
        Assert.NotEqual(0, s.Coffre.Run("repair", "packs").ExitCode);
        await Scenarios.WriteLockAsync(s.Repository, exclusive: false, "elsewhere", 4242);
        var before = RepoInspector.Indexes(s.Repository);
        foreach (var args in new[] { new[] { "repair", "index", "--read-all-packs" }, ["repair", "snapshots", "--forget"], ["repair", "packs", s.Backups[0].DataPack] })
            Assert.Equal(11, s.Coffre.Run(args).ExitCode);
        Assert.Equal(before, RepoInspector.Indexes(s.Repository));
        Assert.Contains(s.Backups[0].DataPack, RepoInspector.Packs(s.Repository));
    }
}

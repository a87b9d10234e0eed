using Coffre.Alerts;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;
using Coffre.Journal;
using Coffre.Scheduling;
using Coffre.Tests.Alerts;
using static Coffre.IntegrationTests.Journal.JournalFiles;

namespace Coffre.IntegrationTests.Jobs.Service;

/// <summary>
/// The engine's job runner on the SQLite sample application, in this process: each job ends, is journaled and
/// alerts like the <c>coffre</c> command doing the same work (run beside it for comparison), and restic accepts
/// the repository afterwards.
/// </summary>
public class ApplicationJobRunnerTests
{
    private static readonly string[] SameInEveryRun = ["operation", "application", "repository", "result", "exit_code", "host", "version"];

    /// <summary>The CLI's record and the runner's agree on which keys are filled and on what is not about this very run.</summary>
    private static void AssertJournaledAlike(System.Text.Json.JsonElement byCli, System.Text.Json.JsonElement byRunner)
    {
        Assert.Equal(RunnerApp.FilledKeys(byCli), RunnerApp.FilledKeys(byRunner));
        foreach (var key in SameInEveryRun) Assert.Equal(byCli.GetProperty(key).ToString(), byRunner.GetProperty(key).ToString());
    }

    [Fact]
    public async Task A_backup_is_journaled_like_coffre_backup_with_its_snapshot_and_the_rotation_applied()
    {
        using var dir = new TestDirectory("jobs-backup");
        var app = new RunnerApp(dir).Set("retention", """{ "keepWithinDays": 0, "last": 1 }""").Init();
        app.App.Coffre.Ok("backup");
        using var runner = app.Runner();

        var result = await runner.RunAsync(JobKind.Backup, CancellationToken.None);

        Assert.Equal((JobKind.Backup, 0, null, true), (result.Kind, result.ExitCode, result.Error, result.Ok));
        Assert.Equal(["init ok", "backup ok", "backup ok"], app.Logs.Summary);
        var records = app.Logs.Records;
        AssertJournaledAlike(records[1], records[2]);
        Assert.Equal(("shop", app.App.Repo), (Str(records[2], "application"), Str(records[2], "repository")));
        Assert.Equal(result.Record.SnapshotId, Str(records[2], "snapshot_id"));
        Assert.Equal(result.Record, RunRecord.FromJson(records[2].GetRawText()));
        Assert.Equal([result.Record.SnapshotId!], app.SnapshotIds()); // "last": 1 removed the CLI's backup
        Assert.Contains("backup: dumping database main", app.Output);
        Assert.Contains("backup: saving media media", app.Output);
        Assert.Contains("backup: rotating old backups", app.Output);
        Assert.Contains("backup: rotation (keep 1 latest snapshots): removed 1 backup(s), kept 1", app.Output);
        Assert.Equal($"backup: ok, snapshot {result.Record.SnapshotId![..8]} (exit 0)", app.Output.Last());
        Assert.Empty(RepoInspector.Locks(app.App.Repo));
        Restic.AssertCheckReadData(app.App.Repo);
    }

    [Fact]
    public async Task A_failing_backup_is_journaled_as_failed_and_raises_one_backup_failed_alert_which_the_next_good_one_resolves()
    {
        using var dir = new TestDirectory("jobs-backup-failed");
        using var hook = new WebhookServer();
        var app = new RunnerApp(dir).AlertTo(hook.Url).Init();
        using var runner = app.Runner();
        Directory.Move(app.App.Media, app.App.Media + ".away");

        var first = await runner.RunAsync(JobKind.Backup, CancellationToken.None);
        var second = await runner.RunAsync(JobKind.Backup, CancellationToken.None);
        var cli = app.App.Coffre.Run("backup");

        Assert.Equal((1, 1, 1), (first.ExitCode, second.ExitCode, cli.ExitCode));
        Assert.Equal(cli.StdErrLines.Last(), "coffre: " + first.Error); // the same one-line error as the command
        Assert.Equal(["init ok", "backup failed", "backup failed", "backup failed"], app.Logs.Summary);
        var records = app.Logs.Records;
        AssertJournaledAlike(records[3], records[1]);
        Assert.Equal(first.Error, Str(records[1], "error"));
        Assert.Equal(RunResults.Failed, first.Record.Result);
        var post = Assert.Single(hook.Delivered); // three failures, one message
        Assert.Equal(("open", IncidentKinds.BackupFailed, "shop", first.Error), ((string?)post["state"], (string?)post["kind"], (string?)post["application"], (string?)post["message"]));
        Assert.Equal($"backup: failed (exit 1): {first.Error}", app.Output.Last());

        Directory.Move(app.App.Media + ".away", app.App.Media);
        var ok = await runner.RunAsync(JobKind.Backup, CancellationToken.None);

        Assert.Equal(0, ok.ExitCode);
        Assert.Equal(2, hook.Delivered.Count);
        Assert.Equal(("resolved", IncidentKinds.BackupFailed, 3), ((string?)hook.Delivered[1]["state"], (string?)hook.Delivered[1]["kind"], (int?)hook.Delivered[1]["count"]));
        Assert.DoesNotContain("secret-token", app.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_alert_that_cannot_be_delivered_changes_nothing_and_is_journaled_as_alert_failed()
    {
        using var dir = new TestDirectory("jobs-alert-down");
        var port = TestServers.ClosedPort();
        var app = new RunnerApp(dir).AlertTo($"http://127.0.0.1:{port}/hook/secret-token").Init();
        using var runner = app.Runner();
        Directory.Move(app.App.Media, app.App.Media + ".away");

        var failed = await runner.RunAsync(JobKind.Backup, CancellationToken.None);

        Assert.Equal(1, failed.ExitCode);
        Assert.Equal(["init ok", "backup failed", "alert failed"], app.Logs.Summary);
        var alert = app.Logs.Records[2];
        Assert.Equal(("alert", "failed", 1L, "shop"), (Str(alert, "operation"), Str(alert, "result"), Long(alert, "exit_code"), Str(alert, "application")));
        Assert.StartsWith($"not delivered: backup-failed: webhook http://127.0.0.1:{port}", Str(alert, "error"), StringComparison.Ordinal);
        Assert.Contains(app.Output, l => l.StartsWith($"backup: warning: alert not delivered: backup-failed: webhook http://127.0.0.1:{port}", StringComparison.Ordinal));
        Assert.DoesNotContain("secret-token", app.Logs.AllText() + string.Concat(app.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_check_is_journaled_like_coffre_check_and_damage_raises_repository_damaged()
    {
        using var dir = new TestDirectory("jobs-check");
        using var hook = new WebhookServer();
        var app = new RunnerApp(dir).AlertTo(hook.Url).Init();
        using var runner = app.Runner();
        Assert.Equal(0, (await runner.RunAsync(JobKind.Backup, CancellationToken.None)).ExitCode);

        var clean = await runner.RunAsync(JobKind.Check, CancellationToken.None);
        app.App.Coffre.Ok("check");

        Assert.Equal((0, null), (clean.ExitCode, clean.Error));
        Assert.Equal(("check", null, app.App.Repo), (clean.Record.Operation, clean.Record.Application, clean.Record.Repository));
        AssertJournaledAlike(app.Logs.Records[3], app.Logs.Records[2]);
        Assert.Contains("check: checking the repository", app.Output);

        var pack = RepoInspector.Packs(app.App.Repo).OrderByDescending(p => new FileInfo(RepoInspector.PackPath(app.App.Repo, p)).Length).First();
        File.Delete(RepoInspector.PackPath(app.App.Repo, pack));
        var damaged = await runner.RunAsync(JobKind.Check, CancellationToken.None);
        var cli = app.App.Coffre.Run("check");

        Assert.Equal((1, 1), (damaged.ExitCode, cli.ExitCode));
        Assert.Matches(@"^\d+ error\(s\) found, first: ", damaged.Error);
        Assert.Contains(pack[..8], damaged.Error, StringComparison.Ordinal);
        Assert.Equal(["init ok", "backup ok", "check ok", "check ok", "check failed", "check failed"], app.Logs.Summary);
        Assert.Equal(damaged.Error, Str(app.Logs.Records[5], "error")); // the command found the same
        var post = Assert.Single(hook.Delivered);
        Assert.Equal(("open", IncidentKinds.RepositoryDamaged, damaged.Error), ((string?)post["state"], (string?)post["kind"], (string?)post["message"]));
    }

    [Fact]
    public async Task A_prune_frees_the_data_of_rotated_backups_and_is_journaled_like_coffre_prune()
    {
        using var dir = new TestDirectory("jobs-prune");
        var app = new RunnerApp(dir).Set("retention", """{ "keepWithinDays": 0, "last": 1 }""").Init();
        using var runner = app.Runner();
        Assert.Equal(0, (await runner.RunAsync(JobKind.Backup, CancellationToken.None)).ExitCode);
        File.WriteAllBytes(Path.Combine(app.App.Media, "uploads", "big.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(3 << 20));
        var kept = await runner.RunAsync(JobKind.Backup, CancellationToken.None); // rotation forgets the first: its big.bin is unused data now
        long Stored() => RepoInspector.Packs(app.App.Repo).Sum(p => new FileInfo(RepoInspector.PackPath(app.App.Repo, p)).Length);
        var before = Stored();

        var pruned = await runner.RunAsync(JobKind.Prune, CancellationToken.None);

        Assert.Equal((0, null), (pruned.ExitCode, pruned.Error));
        Assert.True(Stored() < before - (2 << 20), $"{before} bytes of packs before, {Stored()} after");
        Assert.Equal(("prune", null, app.App.Repo, RunResults.Ok), (pruned.Record.Operation, pruned.Record.Application, pruned.Record.Repository, pruned.Record.Result));
        Assert.Contains(app.Output, l => l.StartsWith("prune: ", StringComparison.Ordinal) && l.EndsWith(" freed", StringComparison.Ordinal));
        Assert.Equal([kept.Record.SnapshotId!], app.SnapshotIds());
        Restic.AssertCheckReadData(app.App.Repo);

        app.App.Coffre.Ok("prune");
        Assert.Equal(["init ok", "backup ok", "backup ok", "prune ok", "prune ok"], app.Logs.Summary);
        AssertJournaledAlike(app.Logs.Records[4], app.Logs.Records[3]);
        // The scheduler reads the runner's prune as the last prune of this repository.
        Assert.Equal(pruned.Record.Start, LastRuns.FromHistory([RunRecord.FromJson(app.Logs.Records[3].GetRawText())!], "shop", app.App.Repo)[JobKind.Prune]);
    }

    [Fact]
    public async Task Sampled_and_full_drills_are_journaled_like_coffre_drill_and_the_scheduler_reads_them()
    {
        using var dir = new TestDirectory("jobs-drill");
        var app = new RunnerApp(dir).Init();
        using var runner = app.Runner();
        var backup = await runner.RunAsync(JobKind.Backup, CancellationToken.None);

        var sampled = await runner.RunAsync(JobKind.Drill, CancellationToken.None);
        var full = await runner.RunAsync(JobKind.FullDrill, CancellationToken.None);
        app.App.Coffre.Ok("drill", "--full");

        Assert.Equal((0, 0), (sampled.ExitCode, full.ExitCode));
        Assert.Equal((backup.Record.SnapshotId, backup.Record.SnapshotId), (sampled.Record.SnapshotId, full.Record.SnapshotId));
        Assert.EndsWith("(sample 10%)", sampled.Record.Checked, StringComparison.Ordinal);
        Assert.Equal("database main: 2 tables, 1700 rows, ok; media media: 4 of 4 files, ok (full)", full.Record.Checked);
        Assert.Equal(["init ok", "backup ok", "drill ok", "drill ok", "drill ok"], app.Logs.Summary);
        var records = app.Logs.Records;
        AssertJournaledAlike(records[4], records[3]);
        Assert.Equal(Str(records[4], "checked"), Str(records[3], "checked"));
        Assert.Contains("drill: restoring database main into a scratch database", app.Output);
        var history = new RunJournal(app.Logs.Folder, TimeProvider.System).ReadHistory();
        var afterSampled = LastRuns.FromHistory(history.Take(3), "shop", app.App.Repo);
        Assert.Equal((backup.Record.Start, sampled.Record.Start), (afterSampled[JobKind.Backup], afterSampled[JobKind.Drill]));
        Assert.False(afterSampled.ContainsKey(JobKind.FullDrill));
        Assert.Equal(full.Record.Start, LastRuns.FromHistory(history.Take(4), "shop", app.App.Repo)[JobKind.FullDrill]);
    }
}

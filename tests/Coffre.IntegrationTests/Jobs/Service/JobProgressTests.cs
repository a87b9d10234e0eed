using System.Collections.Concurrent;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Jobs.Service;
using Coffre.Journal;
using Coffre.Scheduling;
using Coffre.Tests.Alerts;

namespace Coffre.IntegrationTests.Jobs.Service;

/// <summary>What a dashboard polling <see cref="ApplicationJobRunner.Progress"/> sees, and how jobs share the runner.</summary>
public class JobProgressTests
{
    [Fact]
    public async Task Progress_shows_the_running_backup_its_phases_and_its_counters_moving_then_how_it_ended()
    {
        using var dir = new TestDirectory("jobs-progress");
        var app = new RunnerApp(dir).Init();
        var seen = new ConcurrentDictionary<string, JobStatus?>();
        ApplicationJobRunner? runner = null;
        // Each output line is written as its phase begins: what a reader sees at that moment is kept.
        using var jobs = runner = app.Runner(line => seen[line] = runner!.Progress.Current);
        Assert.Null(jobs.Progress.Current);
        Assert.Null(jobs.Progress.Last);

        // Another thread polls as a dashboard does: the counters never go back.
        using var stop = new CancellationTokenSource();
        var polled = new List<JobStatus>();
        var poller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (jobs.Progress.Current is { } s) polled.Add(s);
                await Task.Delay(1);
            }
        });
        var result = await jobs.RunAsync(JobKind.Backup, CancellationToken.None);
        await stop.CancelAsync();
        await poller;

        Assert.Equal(0, result.ExitCode);
        var media = seen["backup: saving media media"]!;
        var snapshot = seen["backup: saving the snapshot"]!;
        var rotating = seen["backup: rotating old backups"]!;
        Assert.Equal((JobKind.Backup, result.Record.Start, "saving media media"), (media.Kind, media.Started, media.Phase));
        Assert.Equal(("saving the snapshot", "rotating old backups"), (snapshot.Phase, rotating.Phase));
        // Between the two, the four media files (3 MiB of them random) were read, and config/coffre.json stored.
        Assert.Equal(5, snapshot.Backup!.FilesDone - media.Backup!.FilesDone);
        Assert.True(snapshot.Backup.BytesDone - media.Backup.BytesDone >= 3 << 20, $"{media.Backup} then {snapshot.Backup}");
        // The totals are the media's, known before the first dump: 4 files, the cache folder excluded.
        Assert.Equal((true, 4L), (media.Backup.ScanFinished, media.Backup.TotalFiles));
        Assert.True(media.Backup.TotalBytes >= 3 << 20, media.Backup.ToString());
        Assert.True(seen["backup: dumping database main"]!.Backup!.ScanFinished);
        Assert.NotNull(snapshot.Backup.CurrentFile);
        Assert.Equal((1L, 6L), (media.Backup.FilesDone, snapshot.Backup.FilesDone)); // the dump is read as a file too, and config/coffre.json
        Assert.Equal((7L, "metadata.json"), (rotating.Backup!.FilesDone, rotating.Backup.CurrentFile));
        Assert.NotEmpty(polled);
        Assert.All(polled, s => Assert.Equal((JobKind.Backup, result.Record.Start), (s.Kind, s.Started)));
        var bytes = polled.Select(s => s.Backup?.BytesDone ?? 0).ToList();
        Assert.Equal(bytes.Order(), bytes);

        Assert.Null(jobs.Progress.Current);
        Assert.Same(result, jobs.Progress.Last);
    }

    [Fact]
    public async Task Jobs_asked_for_together_run_one_after_the_other()
    {
        using var dir = new TestDirectory("jobs-one-at-a-time");
        var app = new RunnerApp(dir).Init();
        using var runner = app.Runner();

        var backup = runner.RunAsync(JobKind.Backup, CancellationToken.None);
        var check = runner.RunAsync(JobKind.Check, CancellationToken.None);
        var results = await Task.WhenAll(backup, check);

        Assert.Equal([0, 0], results.Select(r => r.ExitCode));
        Assert.True(results[1].Record.Start >= results[0].Record.End, $"the check started at {results[1].Record.Start:O}, before the backup ended at {results[0].Record.End:O}");
        Assert.Equal(["init ok", "backup ok", "check ok"], app.Logs.Summary);
    }

    [Fact]
    public async Task A_cancelled_backup_is_interrupted_leaves_no_snapshot_nor_lock_and_alerts_nobody()
    {
        using var dir = new TestDirectory("jobs-interrupted");
        using var hook = new WebhookServer();
        var app = new RunnerApp(dir).AlertTo(hook.Url).Init();
        using var cancel = new CancellationTokenSource();
        using var runner = app.Runner(line => { if (line == "backup: saving media media") cancel.Cancel(); });

        var result = await runner.RunAsync(JobKind.Backup, cancel.Token);

        Assert.Equal((ExitCodes.Interrupted, FailureMessage.Interrupted), (result.ExitCode, result.Error));
        Assert.Equal(["init ok", "backup interrupted"], app.Logs.Summary);
        Assert.Equal(RunResults.Interrupted, result.Record.Result);
        Assert.Empty(app.SnapshotIds());
        Assert.Empty(RepoInspector.Locks(app.App.Repo));
        RepoInspector.AssertNoPartialObjects(app.App.Repo);
        Assert.Empty(hook.Requests);
        Assert.Null(runner.Progress.Current);
    }
}

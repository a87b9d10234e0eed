using Coffre.Configuration;
using Coffre.Application.Drill;
using Coffre.Journal;
using Coffre.Model;

namespace Coffre.Tests.Journal;

/// <summary>What a run gathers while it runs and the record it makes at the end (the CLI and the service's job runner share it).</summary>
public class RunDetailsTests
{
    private static readonly BlobId Id = BlobId.Hash("snapshot"u8);
    private static readonly CoffreConfig Config = new() { Application = "shop", Repository = { Path = "/srv/shop/backups" } };

    [Fact]
    public void A_record_has_the_start_and_end_to_the_millisecond_the_application_and_the_result_of_the_exit_code()
    {
        var clock = new FakeClock(new DateTimeOffset(2026, 1, 29, 7, 30, 0, 123, TimeSpan.Zero).AddTicks(4567));
        var run = RunDetails.Begin("backup", clock);
        run.ForApplication(Config);
        run.Snapshot(Id, added: 10, processed: 20, files: 3);
        clock.Now = clock.Now.AddSeconds(2);

        var record = run.ToRecord(clock, run.Repository, ExitCodes.Ok, null);

        Assert.Equal(("backup", "shop", "/srv/shop/backups", RunResults.Ok, 0), (record.Operation, record.Application, record.Repository, record.Result, record.ExitCode));
        Assert.Equal(new DateTimeOffset(2026, 1, 29, 9, 30, 0, 123, TimeSpan.FromHours(2)), record.Start);
        Assert.Equal(2.0, record.DurationSeconds);
        Assert.Equal((Id.ToString(), 10L, 20L, 3L), (record.SnapshotId, record.BytesAdded, record.BytesProcessed, record.Files));
        Assert.Null(record.Error);
    }

    [Fact]
    public void The_problem_is_the_error_only_of_a_run_that_did_not_end_ok_and_an_error_comes_first()
    {
        var run = RunDetails.Begin("check", TimeProvider.System);
        run.Problem = "2 error(s) found,\nfirst: pack missing";
        Assert.Null(run.ToRecord(TimeProvider.System, null, ExitCodes.Ok, null).Error);
        Assert.Equal("2 error(s) found, first: pack missing", run.ToRecord(TimeProvider.System, null, ExitCodes.Fatal, null).Error);
        Assert.Equal("locked", run.ToRecord(TimeProvider.System, null, ExitCodes.Locked, "locked").Error);
        Assert.Null(run.ToRecord(TimeProvider.System, null, ExitCodes.Fatal, null).Repository);
    }

    [Fact]
    public void A_drill_records_its_backup_what_it_read_back_and_what_it_checked_full_or_sampled()
    {
        var result = new DrillResult(Id, "20260129_023000",
            [new DatabaseDrill("main", "sqlite", "/tmp/x.sqlite", 2, 1700, true, null)],
            [new MediaDrill("media", 40, 4, 4096, null), new MediaDrill("docs", 10, 1, 10, "photo.jpg differs")], TimeSpan.FromSeconds(3));
        var run = RunDetails.Begin("drill", TimeProvider.System);

        run.Drill(result, new DrillRequest { SamplePercent = 10 });
        Assert.Equal("database main: 2 tables, 1700 rows, ok; media media: 4 of 40 files, ok; media docs: 1 of 10 files, failed (sample 10%)", run.Checked);
        Assert.Equal((Id.ToString(), 4106L, 5L), (run.SnapshotId, run.BytesProcessed, run.Files));
        run.Drill(result, new DrillRequest { Full = true });
        Assert.EndsWith("failed (full)", run.Checked, StringComparison.Ordinal);
        Assert.Equal($"the drill of backup {Id.ToShortString()} failed: media docs: photo.jpg differs", result.Failure);
    }

    [Fact]
    public void An_undelivered_alert_is_its_own_failed_record_with_the_runs_exit_code_and_nothing_of_its_data()
    {
        var run = RunDetails.Begin("backup", TimeProvider.System);
        run.ForApplication(Config);
        run.Snapshot(Id, 1, 2, 3);
        run.Checked = "x";

        var record = run.ToAlertFailureRecord(TimeProvider.System, run.Repository, ExitCodes.IncompleteSource, "not delivered: backup-failed: webhook\nhttp://127.0.0.1:9: refused");

        Assert.Equal(("alert", RunResults.Failed, 3, "shop"), (record.Operation, record.Result, record.ExitCode, record.Application));
        Assert.Equal("not delivered: backup-failed: webhook http://127.0.0.1:9: refused", record.Error);
        Assert.Equal((null, null, null, null, null), (record.SnapshotId, record.BytesAdded, record.BytesProcessed, record.Files, record.Checked));
    }
}

using System.Diagnostics;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Jobs.Service;
using Coffre.Journal;
using Coffre.Scheduling;
using Coffre.Tests.Alerts;

namespace Coffre.IntegrationTests.Jobs.Service;

/// <summary>
/// The application's one <see cref="JobGate"/>: the service's runner and the CLI's verbs wait at it, in this process
/// and across processes; a job is cancelled through its <see cref="JobTicket"/>, queued or running.
/// </summary>
public class JobControlTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_running_backup_cancelled_by_a_person_is_journaled_cancelled_leaves_no_snapshot_nor_lock_and_alerts_nobody()
    {
        using var dir = new TestDirectory("jobs-cancelled");
        using var hook = new WebhookServer();
        var app = new RunnerApp(dir).AlertTo(hook.Url).Init();
        using var ticket = new JobTicket("backup");
        string? refusal = "not asked";
        using var runner = app.Runner(line => { if (line == "backup: saving media media") refusal = ticket.Cancel("alice from the dashboard"); });

        var result = await runner.Gate.RunAsync(ticket, c => runner.RunAsync(JobKind.Backup, c), CancellationToken.None);

        Assert.Null(refusal);
        Assert.Equal(ExitCodes.Interrupted, result.ExitCode);
        Assert.Equal(RunResults.Cancelled, result.Record.Result);
        Assert.Equal("cancelled by alice from the dashboard; nothing half-written was left in the repository", result.Record.Error);
        Assert.Equal(["init ok", "backup cancelled"], app.Logs.Summary);
        Assert.Empty(app.SnapshotIds());
        Assert.Empty(RepoInspector.Locks(app.App.Repo));
        RepoInspector.AssertNoPartialObjects(app.App.Repo);
        Assert.Empty(hook.Requests);
        Assert.Equal(JobState.Ended, ticket.State);
        Assert.Equal("the backup has already ended", ticket.Cancel("bob"));
    }

    [Fact]
    public async Task A_job_waits_for_the_one_before_it_and_a_queued_one_cancelled_never_runs()
    {
        using var dir = new TestDirectory("jobs-gate");
        var app = new RunnerApp(dir).Init();
        using var runner = app.Runner();
        var gate = runner.Gate;
        using var first = new JobTicket("restore");
        using var second = new JobTicket("backup");
        using var third = new JobTicket("check");
        var firstEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<string>();

        var holding = gate.RunAsync(first, _ => { firstEntered.SetResult(); return release.Task; }, CancellationToken.None);
        await firstEntered.Task.WaitAsync(Patience);
        var backup = gate.RunAsync(second, c => { lock (order) order.Add("backup"); return runner.RunAsync(JobKind.Backup, c); }, CancellationToken.None);
        var check = gate.RunAsync(third, c => { lock (order) order.Add("check"); return runner.RunAsync(JobKind.Check, c); }, CancellationToken.None);

        Assert.Equal((JobState.Running, JobState.Queued, JobState.Queued), (first.State, second.State, third.State));
        Assert.Same(first, gate.Holder);
        Assert.Equal([second, third], gate.Waiting);
        Assert.Null(second.Cancel("alice"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => backup);
        Assert.Equal((JobState.Ended, (DateTimeOffset?)null), (second.State, second.Started));
        Assert.Equal([third], gate.Waiting);

        release.SetResult(0);
        Assert.Equal(0, await holding);
        Assert.Equal(0, (await check).ExitCode);
        Assert.Equal(["check"], order); // the cancelled backup never ran
        Assert.Equal(["init ok", "check ok"], app.Logs.Summary);
        Assert.Null(gate.Holder);
    }

    [Fact]
    public async Task A_backup_by_the_cli_waits_for_the_job_the_service_runs_then_runs()
    {
        using var dir = new TestDirectory("jobs-across");
        var app = new RunnerApp(dir).Init();
        using var runner = app.Runner();
        using var held = new JobTicket("drill");
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = runner.Gate.RunAsync(held, _ => { entered.SetResult(); return release.Task; }, CancellationToken.None);
        await entered.Task.WaitAsync(Patience);

        // The CLI in its own process: its stderr says it waits, and only then is the service's job let go.
        var info = new ProcessStartInfo(CoffreRunner.DotnetHost, [CoffreRunner.CoffreDll, "backup", "-c", app.ConfigPath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = app.App.Root,
        };
        info.Environment["COFFRE_PASSWORD"] = TestPasswords.Default;
        info.Environment.Remove("COFFRE_REPOSITORY");
        using var cli = Process.Start(info)!;
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var waiting = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = Task.Run(async () =>
        {
            var lines = new List<string>();
            while (await cli.StandardError.ReadLineAsync() is { } line)
            {
                lines.Add(line);
                if (line.Contains("waiting for the job of another process", StringComparison.Ordinal)) waiting.TrySetResult(line);
            }
            waiting.TrySetException(new InvalidOperationException("the CLI never said it waits: " + string.Join('\n', lines)));
            return lines;
        });
        try
        {
            var said = await waiting.Task.WaitAsync(Patience);
            Assert.Contains($"drill (process {Environment.ProcessId}, since ", said, StringComparison.Ordinal);
            Assert.Empty(app.SnapshotIds()); // it did wait
            Assert.False(cli.HasExited);
        }
        finally
        {
            release.SetResult(0);
        }
        await holding;
        await cli.WaitForExitAsync().WaitAsync(Patience);
        Assert.True(cli.ExitCode == 0, string.Join('\n', await stderr) + await stdout);
        Assert.Single(app.SnapshotIds());
        Assert.Equal(["init ok", "backup ok"], app.Logs.Summary);
    }

    [Fact]
    public async Task A_restore_that_began_to_overwrite_refuses_a_cancel_and_ends_verified_while_before_that_a_cancel_stops_it_with_nothing_overwritten()
    {
        using var dir = new TestDirectory("jobs-restore-cancel");
        var app = new RunnerApp(dir).Init();
        using (var runner = app.Runner()) Assert.Equal(0, (await runner.RunAsync(JobKind.Backup, CancellationToken.None)).ExitCode);
        var config = Configuration.ConfigLoader.Load(app.ConfigPath);
        var environment = new Dictionary<string, string?> { ["COFFRE_PASSWORD"] = TestPasswords.Default };

        // Cancelled while it takes the safety snapshot: it stops there and nothing was overwritten.
        var before = Coffre.IntegrationTests.Jobs.Restore.SqliteApp.Fingerprint(app.App.Database);
        using (var ticket = new JobTicket("restore"))
        {
            var job = new ApplicationRestoreJob(config, environment: environment)
            {
                Output = line => { if (line.StartsWith("restore: taking a safety snapshot", StringComparison.Ordinal)) Assert.Null(ticket.Cancel("alice")); },
            };
            var stopped = await JobGate.For(config).RunAsync(ticket, c => job.RunAsync(new Coffre.Application.Restore.RestoreRequest(), null, c), CancellationToken.None);
            Assert.Equal((ExitCodes.Interrupted, RunResults.Cancelled), (stopped.ExitCode, stopped.Record.Result));
            Assert.StartsWith("cancelled by alice: ", stopped.Record.Error, StringComparison.Ordinal);
            Assert.Contains("nothing was overwritten", stopped.Record.Error, StringComparison.Ordinal);
        }
        Assert.Equal(before, Coffre.IntegrationTests.Jobs.Restore.SqliteApp.Fingerprint(app.App.Database));

        // Cancelled once it overwrites: refused, and the restore ends verified.
        using (var ticket = new JobTicket("restore"))
        {
            string? refusal = null;
            var job = new ApplicationRestoreJob(config, environment: environment)
            {
                Output = line => { if (line.StartsWith("restore: restoring database", StringComparison.Ordinal)) refusal = ticket.Cancel("alice"); },
            };
            var result = await JobGate.For(config).RunAsync(ticket, c => job.RunAsync(new Coffre.Application.Restore.RestoreRequest(), null, c), CancellationToken.None);
            Assert.Equal(ApplicationRestoreJob.NoReturn, refusal);
            Assert.True(result.Ok, result.Error);
            Assert.True(result.Restore!.Verified);
            Assert.Null(ticket.CancelledBy);
        }
        Assert.Equal(["init ok", "backup ok", "restore cancelled", "restore ok"], app.Logs.Summary);
    }

    [Fact]
    public async Task Progress_is_told_as_events_the_start_each_phase_then_the_end()
    {
        using var dir = new TestDirectory("jobs-events");
        var app = new RunnerApp(dir).Init();
        using var runner = app.Runner();
        var seen = new List<string>();
        runner.Progress.Changed += (_, _) => { lock (seen) seen.Add(runner.Progress.Current is { } s ? s.Phase : $"ended {runner.Progress.Last!.Record.Result}"); };

        var result = await runner.RunAsync(JobKind.Check, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("starting", seen[0]);
        Assert.Contains("checking the repository", seen);
        Assert.Equal("ended ok", seen[^1]);
    }
}

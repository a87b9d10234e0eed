namespace Coffre.Scheduling;

/// <summary>
/// Runs the jobs of one repository on time, one at a time, until stopped: asks the
/// <see cref="ScheduledJobPlanner"/> what is due, waits with the <see cref="TimeProvider"/> (so tests drive time), and
/// calls the injected job function, which returns the job's exit code (the CLI's contract: 0 ok, 3 incomplete, ...).
/// </summary>
/// <remarks>
/// Stopping (the token of <see cref="RunAsync"/>): a wait ends at once; a running job gets <see cref="StopGrace"/> to
/// finish, then its own token is cancelled, and <see cref="RunAsync"/> returns when the job function has returned, so
/// a job is never abandoned half-way (it cleans up on cancellation, as <c>coffre</c> does on Ctrl-C).
/// A wait never lasts longer than <see cref="MaxWait"/>: after a suspend or a clock change the due times are
/// looked at again soon.
/// </remarks>
public sealed class ScheduleRunner(
    ScheduledJobPlanner planner,
    Func<ScheduledJob, CancellationToken, Task<int>> runJob,
    TimeProvider clock)
{
    /// <summary>How long a running job may go on after a stop before it is cancelled; zero: cancel at once; <see cref="Timeout.InfiniteTimeSpan"/>: let it finish.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The job running now, or null.</summary>
    public ScheduledJob? Current { get; private set; }

    /// <summary>Called when a job starts.</summary>
    public event Action<ScheduledJob>? JobStarted;

    /// <summary>Called when a job ended; an exception from the job function is reported here (exit code 1) and does not stop the runner.</summary>
    public event Action<JobOutcome>? JobEnded;

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            if (planner.Due(now) is { } job)
            {
                await RunOneAsync(job, stop).ConfigureAwait(false);
                continue;
            }
            var wait = planner.NextDue is { } next ? next - now : MaxWait;
            if (wait > MaxWait) wait = MaxWait;
            try { await Task.Delay(wait, clock, stop).ConfigureAwait(false); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
        }
    }

    private async Task RunOneAsync(ScheduledJob job, CancellationToken stop)
    {
        using var jobCancel = new CancellationTokenSource();
        using var graceOver = new CancellationTokenSource();
        // On stop: cancel the job at once, after the grace period, or never.
        using var onStop = stop.Register(() =>
        {
            if (StopGrace == TimeSpan.Zero) jobCancel.Cancel();
            else if (StopGrace != Timeout.InfiniteTimeSpan)
                _ = Task.Delay(StopGrace, clock, graceOver.Token).ContinueWith(t => { if (t.IsCompletedSuccessfully) jobCancel.Cancel(); }, TaskScheduler.Default);
        });
        var started = clock.GetUtcNow();
        Current = job;
        JobStarted?.Invoke(job);
        int exitCode;
        Exception? error = null;
        try
        {
            exitCode = await runJob(job, jobCancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (jobCancel.IsCancellationRequested)
        {
            exitCode = ExitCodes.Interrupted;
        }
#pragma warning disable CA1031 // a failing job must not stop the schedule; the failure is reported
        catch (Exception e)
#pragma warning restore CA1031
        {
            exitCode = ExitCodes.Fatal;
            error = e;
        }
        finally
        {
            await graceOver.CancelAsync().ConfigureAwait(false);
            Current = null;
        }
        var ended = clock.GetUtcNow();
        planner.Completed(job, ended);
        JobEnded?.Invoke(new JobOutcome(job, started, ended, exitCode, error));
    }
}

/// <summary>How a scheduled run ended.</summary>
public sealed record JobOutcome(ScheduledJob Job, DateTimeOffset Started, DateTimeOffset Ended, int ExitCode, Exception? Error);

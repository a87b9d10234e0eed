using System.Collections.Concurrent;
using Coffre.Scheduling;

namespace Coffre.Tests.Scheduling;

public sealed class ScheduleRunnerTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 1, 10, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Tomorrow0230 = new(2026, 1, 11, 2, 30, 0, TimeSpan.Zero);
    private static readonly ScheduledJob Backup = new(JobKind.Backup, Schedule.Parse("daily 02:30"));
    private static readonly ScheduledJob Drill = new(JobKind.Drill, Schedule.Parse("daily 02:30"));

    private readonly ManualClock clock = new(Start, TimeZoneInfo.Utc);
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<(JobKind Kind, DateTimeOffset At)> started = new();
    private readonly ConcurrentQueue<JobOutcome> ended = new();
    private ScheduleRunner? runner;
    private Task? running;

    private ScheduleRunner Runner => runner!;

    private void StartRunner(IEnumerable<ScheduledJob> jobs, Dictionary<JobKind, DateTimeOffset> lastRuns, Func<ScheduledJob, CancellationToken, Task<int>> job, TimeSpan? grace = null)
    {
        var planner = new ScheduledJobPlanner(jobs, lastRuns, TimeZoneInfo.Utc, clock.GetUtcNow());
        runner = new ScheduleRunner(planner, (j, ct) =>
        {
            started.Enqueue((j.Kind, clock.GetUtcNow()));
            return job(j, ct);
        }, clock)
        { MaxWait = TimeSpan.FromDays(30), StopGrace = grace ?? TimeSpan.FromMinutes(1) };
        runner.JobEnded += ended.Enqueue;
        running = Task.Run(() => runner.RunAsync(stop.Token));
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        for (var i = 0; i < 2000 && !condition(); i++) await Task.Delay(5);
        Assert.True(condition(), $"timed out waiting until {what}");
    }

    /// <summary>Waits until the runner is idle: no job running and its wait (a timer) set.</summary>
    private Task Settle() => Eventually(() => Runner.Current is null && clock.NextTimer is not null, "the runner waits");

    /// <summary>Moves time to <paramref name="target"/> one wake-up at a time, letting the runner act at each.</summary>
    private async Task AdvanceTo(DateTimeOffset target)
    {
        while (true)
        {
            await Settle();
            if (clock.NextTimer is not { } next || next > target) break;
            clock.AdvanceTo(next);
        }
        clock.AdvanceTo(target);
        await Settle();
    }

    [Fact]
    public async Task AMissedRunIsCaughtUpOnceAtStartThenTheScheduleResumes()
    {
        StartRunner([Backup], new() { [JobKind.Backup] = Start.AddDays(-3) }, (_, _) => Task.FromResult(0));
        await Settle();
        Assert.Equal([(JobKind.Backup, Start)], started);
        await AdvanceTo(Tomorrow0230.AddMinutes(-1));
        Assert.Single(started);
        await AdvanceTo(Tomorrow0230);
        Assert.Equal([(JobKind.Backup, Start), (JobKind.Backup, Tomorrow0230)], started);
        await AdvanceTo(Tomorrow0230.AddDays(2));
        Assert.Equal(4, started.Count);
    }

    [Fact]
    public async Task NeverRanWaitsForTheFirstOccurrence()
    {
        StartRunner([Backup], [], (_, _) => Task.FromResult(0));
        await AdvanceTo(Tomorrow0230.AddSeconds(-1));
        Assert.Empty(started);
        await AdvanceTo(Tomorrow0230);
        Assert.Equal([(JobKind.Backup, Tomorrow0230)], started);
    }

    [Fact]
    public async Task OneJobAtATime()
    {
        var backupGate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var concurrent = 0;
        var most = 0;
        StartRunner([Drill, Backup], [], async (j, ct) =>
        {
            var now = Interlocked.Increment(ref concurrent);
            InterlockedMax(ref most, now);
            try { return j.Kind == JobKind.Backup ? await backupGate.Task : 0; }
            finally { Interlocked.Decrement(ref concurrent); }
        });
        await Settle();
        clock.AdvanceTo(Tomorrow0230);
        await Eventually(() => Runner.Current == Backup, "the backup runs");
        // While a job runs the runner arms no timer: moving the clock (timers fire on this thread) can start nothing.
        Assert.Null(clock.NextTimer);
        clock.AdvanceTo(Tomorrow0230.AddMinutes(40)); // the backup takes 40 minutes; the drill waits
        Assert.Equal([JobKind.Backup], started.Select(s => s.Kind));
        Assert.Equal(Backup, Runner.Current);
        backupGate.SetResult(0);
        await Settle();
        Assert.Equal([(JobKind.Backup, Tomorrow0230), (JobKind.Drill, Tomorrow0230.AddMinutes(40))], started);
        Assert.Equal(1, most);
    }

    [Fact]
    public async Task StopLetsTheRunningJobFinishWhenTheGraceIsInfinite()
    {
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = false;
        var jobToken = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        StartRunner([Backup], new() { [JobKind.Backup] = Start.AddDays(-1) }, async (_, ct) =>
        {
            jobToken.SetResult(ct);
            var r = await gate.Task;
            cancelled = ct.IsCancellationRequested;
            return r;
        }, Timeout.InfiniteTimeSpan);
        var token = await jobToken.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync(); // returns once the stop callbacks ran
        // An infinite grace arms no timer: five hours later (timers fire on this thread) the job still has its token.
        Assert.Null(clock.NextTimer);
        clock.AdvanceTo(Start.AddHours(5));
        Assert.False(token.IsCancellationRequested);
        Assert.False(running!.IsCompleted);
        Assert.Equal(Backup, Runner.Current);
        gate.SetResult(0);
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(cancelled);
        Assert.Equal(0, Assert.Single(ended).ExitCode);
    }

    [Fact]
    public async Task StopCancelsTheRunningJobAfterTheGrace()
    {
        var jobToken = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        StartRunner([Backup], new() { [JobKind.Backup] = Start.AddDays(-1) }, async (_, ct) =>
        {
            jobToken.SetResult(ct);
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        }, TimeSpan.FromMinutes(1));
        var token = await jobToken.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync(); // returns once the stop callbacks ran: the grace timer is armed
        Assert.Equal(Start.AddMinutes(1), clock.NextTimer);
        clock.AdvanceTo(Start.AddSeconds(59)); // fires nothing: the grace ends at one minute
        Assert.False(token.IsCancellationRequested);
        Assert.False(running!.IsCompleted);
        Assert.Equal(Start.AddMinutes(1), clock.NextTimer);
        clock.AdvanceTo(Start.AddMinutes(1));
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        var outcome = Assert.Single(ended);
        Assert.Equal(ExitCodes.Interrupted, outcome.ExitCode);
        Assert.Null(outcome.Error);
    }

    [Fact]
    public async Task StopWithoutGraceCancelsAtOnce()
    {
        StartRunner([Backup], new() { [JobKind.Backup] = Start.AddDays(-1) }, async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        }, TimeSpan.Zero);
        await Eventually(() => Runner.Current == Backup, "the backup runs");
        await stop.CancelAsync();
        await running!.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ExitCodes.Interrupted, Assert.Single(ended).ExitCode);
    }

    [Fact]
    public async Task StopWhileWaitingEndsAtOnce()
    {
        StartRunner([Backup], [], (_, _) => Task.FromResult(0));
        await Settle();
        await stop.CancelAsync();
        await running!.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(started);
    }

    [Fact]
    public async Task AFailingJobIsReportedAndTheScheduleGoesOn()
    {
        StartRunner([Backup], new() { [JobKind.Backup] = Start.AddDays(-1) }, (_, _) => throw new InvalidOperationException("disk on fire"));
        await Settle();
        var outcome = Assert.Single(ended);
        Assert.Equal(ExitCodes.Fatal, outcome.ExitCode);
        Assert.Equal("disk on fire", outcome.Error!.Message);
        await AdvanceTo(Tomorrow0230);
        Assert.Equal(2, ended.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (running is not null) await running.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        stop.Dispose();
    }
}

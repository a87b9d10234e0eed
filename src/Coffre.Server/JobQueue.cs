using Coffre.Scheduling;

namespace Coffre.Server;

/// <summary>Runs a job (exit code as the CLI's contract: 0 ok, 3 incomplete, ...); the host supplies it.</summary>
public delegate Task<int> JobRunner(JobKind kind, CancellationToken ct);

/// <summary>
/// One job at a time for the whole service: the schedule and the dashboard's buttons both go through here, so a
/// backup started by hand waits for a scheduled drill to end (and the other way round) instead of racing it.
/// A job that is not a <see cref="JobKind"/> (a restore from the dashboard) runs through the same gate by name.
/// </summary>
/// <param name="clock">When a job started (<see cref="Running"/>); default: the system clock.</param>
public sealed class JobQueue(JobRunner runner, TimeProvider? clock = null) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly TimeProvider clock = clock ?? TimeProvider.System;
    private int waiting;
    private volatile RunningJob? running;

    /// <summary>Whatever job runs now — its name (a <see cref="JobKind"/>'s operation, or the name given), since when, and what a job run by name reports — or null.</summary>
    public RunningJob? Running => running;

    /// <summary>Jobs waiting for their turn.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    public Task<int> RunAsync(JobKind kind, CancellationToken ct) =>
        RunGatedAsync(JobKinds.Operation(kind), (_, c) => runner(kind, c), ct);

    /// <summary>
    /// Runs <paramref name="body"/> when no other job runs, as the job <paramref name="name"/> (e.g. <c>restore</c>).
    /// The body gets a callback telling what it does now (<see cref="RunningJob.Phase"/>, shown by the dashboard).
    /// </summary>
    public Task<int> RunAsync(string name, Func<Action<string>, CancellationToken, Task<int>> body, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(body);
        return RunGatedAsync(name, body, ct);
    }

    private async Task<int> RunGatedAsync(string name, Func<Action<string>, CancellationToken, Task<int>> body, CancellationToken ct)
    {
        Interlocked.Increment(ref waiting);
        try { await gate.WaitAsync(ct).ConfigureAwait(false); }
        finally { Interlocked.Decrement(ref waiting); }
        try
        {
            running = new RunningJob(name, clock.GetUtcNow(), null);
            return await body(phase => { if (running is { } r) running = r with { Phase = phase }; }, ct).ConfigureAwait(false);
        }
        finally
        {
            running = null;
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}

/// <summary>The job a <see cref="JobQueue"/> runs now: its name, since when, and what it last said it does (null: nothing said).</summary>
public sealed record RunningJob(string Name, DateTimeOffset Started, string? Phase);

using Coffre.Scheduling;

namespace Coffre.Server;

/// <summary>Runs a job (exit code as the CLI's contract: 0 ok, 3 incomplete, ...); the host supplies it.</summary>
public delegate Task<int> JobRunner(JobKind kind, CancellationToken ct);

/// <summary>
/// One job at a time for the whole service: the schedule and the dashboard's buttons both go through here, so a
/// backup started by hand waits for a scheduled drill to end (and the other way round) instead of racing it.
/// </summary>
public sealed class JobQueue(JobRunner runner) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private int waiting;

    /// <summary>The job running now, or null.</summary>
    public JobKind? Current { get; private set; }

    /// <summary>Jobs waiting for their turn.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    public async Task<int> RunAsync(JobKind kind, CancellationToken ct)
    {
        Interlocked.Increment(ref waiting);
        try { await gate.WaitAsync(ct).ConfigureAwait(false); }
        finally { Interlocked.Decrement(ref waiting); }
        try
        {
            Current = kind;
            return await runner(kind, ct).ConfigureAwait(false);
        }
        finally
        {
            Current = null;
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}

using Coffre.Archiver;
using Coffre.Scheduling;

namespace Coffre.Jobs.Service;

/// <summary>
/// What the jobs of an <see cref="ApplicationJobRunner"/> are doing, for a dashboard to poll: the runner updates
/// it, anyone reads it from any thread. <see cref="Current"/> is the running job (null when none runs),
/// <see cref="Last"/> how the last one ended. Plain data; drawing it is the host's business.
/// </summary>
public sealed class JobProgress
{
    private readonly Lock writing = new();
    private volatile Running? running;
    private volatile JobResult? last;

    /// <summary>The job running now, read at this moment; null when no job runs.</summary>
    public JobStatus? Current => running is { } r
        ? new JobStatus(r.Kind, r.Started, r.Phase) { Backup = r.Counters is { } c ? BackupCounters.Of(c) : null }
        : null;

    /// <summary>How the last job ended (null before the first one ends).</summary>
    public JobResult? Last => last;

    /// <summary>
    /// Raised when a job begins, enters a new phase or ends (read <see cref="Current"/> and <see cref="Last"/>), on
    /// the job's thread: a handler must be quick and never throw. The backup's counters move between events: poll them.
    /// </summary>
    public event EventHandler? Changed;

    internal void Begin(JobKind kind, DateTimeOffset started, string phase)
    {
        lock (writing) running = new Running(kind, started, phase, null);
        Changed?.Invoke(this, EventArgs.Empty);
    }

    internal void Phase(string phase)
    {
        lock (writing) if (running is { } r) running = r with { Phase = phase };
        Changed?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>The backup's live counters, read at each <see cref="Current"/>.</summary>
    internal void Counting(BackupProgress counters)
    {
        lock (writing) if (running is { } r) running = r with { Counters = counters };
    }

    internal void End(JobResult result)
    {
        lock (writing) (last, running) = (result, null);
        Changed?.Invoke(this, EventArgs.Empty);
    }

    // Replaced whole, never changed in place: a reader sees one consistent state without a lock.
    private sealed record Running(JobKind Kind, DateTimeOffset Started, string Phase, BackupProgress? Counters);
}

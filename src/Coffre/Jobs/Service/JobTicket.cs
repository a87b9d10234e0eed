using Microsoft.Win32.SafeHandles;

namespace Coffre.Jobs.Service;

/// <summary>Where a job stands: waiting for its turn, running, or over (ended, or cancelled before it ran).</summary>
public enum JobState
{
    Queued,
    Running,
    Ended,
}

/// <summary>
/// One job asked of a <see cref="JobGate"/>: its name (<c>backup</c>, <c>restore</c>...), when it was asked for and
/// when it started, and the handle that cancels it (<see cref="Cancel"/>). Made by whoever asks for the job; safe
/// to read and cancel from any thread.
/// </summary>
public sealed class JobTicket : IDisposable
{
    private readonly CancellationTokenSource cancel = new();
    private readonly Lock sync = new();
    private volatile string? noReturn;
    private volatile string? cancelledBy;
    private int state = (int)JobState.Queued;
    private DateTimeOffset? started;

    /// <param name="name">What the job is, as the journal's operation (<c>backup</c>, <c>restore</c>).</param>
    /// <param name="clock">When it was asked for and when it starts; default: the system clock.</param>
    public JobTicket(string name, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Clock = clock ?? TimeProvider.System;
        Queued = Clock.GetUtcNow();
    }

    public string Name { get; }

    public DateTimeOffset Queued { get; }

    /// <summary>When its turn came (null while it waits).</summary>
    public DateTimeOffset? Started
    {
        get { lock (sync) return started; }
    }

    public JobState State => (JobState)Volatile.Read(ref state);

    /// <summary>Who cancelled it (<see cref="Cancel"/>), or null.</summary>
    public string? CancelledBy => cancelledBy;

    /// <summary>Told what the job waits for (<c>waiting for the job before it to end</c>); null: silent.</summary>
    public Action<string>? Waiting { get; init; }

    /// <summary>Cancelled by <see cref="Cancel"/>.</summary>
    public CancellationToken Token => cancel.Token;

    internal TimeProvider Clock { get; }

    internal JobGate? Gate { get; private set; }

    internal TaskCompletionSource Turn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal SafeFileHandle? LockFile { get; set; }

    /// <summary>
    /// Cancels the job: a queued one leaves the line without running; a running one stops at its next cancellation
    /// point, and leaves what it leaves when interrupted (a backup no snapshot). Refused (with the reason) once the
    /// job passed its point of no return (<see cref="PointOfNoReturn"/>) or ended; null when accepted.
    /// </summary>
    /// <param name="by">Who cancels, for the journal (<c>alice from the dashboard</c>).</param>
    public string? Cancel(string by)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        lock (sync)
        {
            if (State == JobState.Ended) return $"the {Name} has already ended";
            if (noReturn is { } why) return why;
            cancelledBy ??= by;
        }
        try { cancel.Cancel(); }
        catch (ObjectDisposedException) { } // it ended meanwhile
        return null;
    }

    /// <summary>
    /// From now on the job refuses <see cref="Cancel"/>, saying <paramref name="reason"/> (a restore that began to
    /// overwrite: stopping it halfway would leave a half-restored application). False when it was already cancelled.
    /// </summary>
    public bool PointOfNoReturn(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        lock (sync)
        {
            if (cancelledBy is not null) return false;
            noReturn = reason;
            return true;
        }
    }

    internal void Join(JobGate gate) => Gate = gate;

    internal void Say(string line) => Waiting?.Invoke(line);

    internal void Begin()
    {
        lock (sync)
        {
            started = Clock.GetUtcNow();
            Volatile.Write(ref state, (int)JobState.Running);
        }
    }

    internal void Ended()
    {
        lock (sync) Volatile.Write(ref state, (int)JobState.Ended);
    }

    public void Dispose() => cancel.Dispose();
}

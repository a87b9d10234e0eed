using Coffre.Configuration;
using Coffre.Jobs.Service;
using Coffre.Journal;
using Coffre.Scheduling;

namespace Coffre.Server;

/// <summary>Runs a job (exit code as the CLI's contract: 0 ok, 3 incomplete, ...); the host supplies it.</summary>
public delegate Task<int> JobRunner(JobKind kind, CancellationToken ct);

/// <summary>
/// The service's jobs, queued and running: the schedule and the dashboard's buttons both go through here. The order
/// and the one-job-at-a-time rule are the application's <see cref="JobGate"/> (the same the CLI's verbs and other
/// processes wait on), so a backup started by hand waits for a scheduled drill to end instead of racing it. Asking
/// for a job of a kind already queued or running gives that job (<see cref="Enqueue(JobKind)"/>: no duplicate); any
/// job can be cancelled by its <see cref="QueuedJob.Id"/>: a queued one leaves the line (journaled <c>cancelled</c>),
/// a running one is stopped (<see cref="JobTicket.Cancel"/>). A job that is not a <see cref="JobKind"/> (a restore
/// from the dashboard) runs through the same gate by name.
/// </summary>
/// <param name="config">The application: its gate, and the journal of a job cancelled before it started.</param>
/// <param name="clock">When a job was queued and started; default: the system clock.</param>
/// <param name="gate">Default: the application's (<see cref="JobGate.For(CoffreConfig)"/>); <see cref="JobGate.Private"/> when <paramref name="runner"/> runs what takes it (a <c>coffre</c> child).</param>
public sealed class JobQueue(JobRunner runner, CoffreConfig config, TimeProvider? clock = null, JobGate? gate = null)
{
    private readonly TimeProvider clock = clock ?? TimeProvider.System;
    private readonly Lock sync = new();
    private readonly List<QueuedJob> jobs = [];
    private readonly JobGate gate = gate ?? JobGate.For(config);

    /// <summary>The job running now — its name, since when, and what a job run by name reports — or null.</summary>
    public RunningJob? Running
    {
        get
        {
            var job = Jobs.FirstOrDefault(j => j.State == JobState.Running);
            return job is null ? null : new RunningJob(job.Name, job.Started ?? job.Queued, job.Phase);
        }
    }

    /// <summary>Jobs waiting for their turn.</summary>
    public int Waiting => Jobs.Count(j => j.State == JobState.Queued);

    /// <summary>The jobs queued or running, in the order they were asked for.</summary>
    public IReadOnlyList<QueuedJob> Jobs
    {
        get { lock (sync) return [.. jobs]; }
    }

    /// <summary>The job with this <see cref="QueuedJob.Id"/>, while it is queued or running.</summary>
    public QueuedJob? Find(string id) => Jobs.FirstOrDefault(j => j.Id == id);

    /// <summary>
    /// A job of <paramref name="kind"/>: the one already queued or running (<c>Added</c> false), or a new one in line
    /// (<c>Added</c> true), which <see cref="RunAsync(QueuedJob, CancellationToken)"/> then runs.
    /// </summary>
    public (QueuedJob Job, bool Added) Enqueue(JobKind kind)
    {
        lock (sync)
        {
            if (jobs.FirstOrDefault(j => j.Kind == kind) is { } existing) return (existing, false);
            var job = new QueuedJob(kind, JobKinds.Operation(kind), new JobTicket(JobKinds.Operation(kind), clock), (_, c) => runner(kind, c));
            jobs.Add(job);
            return (job, true);
        }
    }

    /// <summary>Runs a job of <paramref name="kind"/>, or waits for the one of that kind already queued or running: its exit code.</summary>
    public Task<int> RunAsync(JobKind kind, CancellationToken ct)
    {
        var (job, added) = Enqueue(kind);
        return added ? RunAsync(job, ct) : job.Completion.WaitAsync(ct);
    }

    /// <summary>
    /// Runs <paramref name="body"/> when no other job runs, as the job <paramref name="name"/> (e.g. <c>restore</c>),
    /// never merged with another. The body gets a callback telling what it does now (<see cref="RunningJob.Phase"/>).
    /// </summary>
    public Task<int> RunAsync(string name, Func<Action<string>, CancellationToken, Task<int>> body, CancellationToken ct) =>
        RunAsync(Add(name, body), ct);

    /// <summary>Queues a job by name (<see cref="RunAsync(string, Func{Action{string}, CancellationToken, Task{int}}, CancellationToken)"/>) without running it yet.</summary>
    public QueuedJob Add(string name, Func<Action<string>, CancellationToken, Task<int>> body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(body);
        var job = new QueuedJob(null, name, new JobTicket(name, clock), body);
        lock (sync) jobs.Add(job);
        return job;
    }

    /// <summary>
    /// Runs a job this queue gave (<see cref="Enqueue(JobKind)"/>, <see cref="Add"/>) when its turn comes: its exit code.
    /// Cancelled by <see cref="QueuedJob.Ticket"/> before its turn, it is journaled <c>cancelled</c> and ends with 130;
    /// <paramref name="ct"/> cancelled before its turn (the service stops) throws, and nothing ran.
    /// </summary>
    public async Task<int> RunAsync(QueuedJob job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            var code = await gate.RunAsync(job.Ticket, c => job.Body(phase => job.Phase = phase, c), ct).ConfigureAwait(false);
            job.Done(code);
            return code;
        }
        catch (OperationCanceledException) when (job.Ticket.Started is null && job.Ticket.CancelledBy is { } by && !ct.IsCancellationRequested)
        {
            await JournalCancelledAsync(job, by).ConfigureAwait(false);
            job.Done(ExitCodes.Interrupted);
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            job.Failed(e);
            throw;
        }
        finally
        {
            lock (sync) jobs.Remove(job);
            job.Ticket.Dispose();
        }
    }

    /// <summary>Cancels the job <paramref name="id"/> for <paramref name="by"/>: null when done, else why not (no such job, past its point of no return).</summary>
    public string? Cancel(string id, string by) =>
        Find(id) is { } job ? job.Ticket.Cancel(by) : "no such job is queued or running (it may have ended)";

    /// <summary>A job cancelled before it started is journaled too, so the run list says what became of it.</summary>
    private async Task JournalCancelledAsync(QueuedJob job, string by)
    {
        var run = RunDetails.Begin(job.Name, clock);
        run.ForApplication(config);
        run.CancelledBy = by;
        await new JobRun(clock) { Config = config }.RunAsync(run, null,
            _ => throw new CoffreException("it had not started: nothing was done", ExitCodes.Interrupted), CancellationToken.None).ConfigureAwait(false);
    }
}

/// <summary>A job of a <see cref="JobQueue"/>: queued, then running, until it ends.</summary>
public sealed class QueuedJob
{
    private readonly TaskCompletionSource<int> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? phase;

    internal QueuedJob(JobKind? kind, string name, JobTicket ticket, Func<Action<string>, CancellationToken, Task<int>> body)
    {
        (Kind, Name, Ticket, Body) = (kind, name, ticket, body);
        Id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
    }

    /// <summary>Names the job in the cancel request (<c>POST /jobs/{id}/cancel</c>): random, so a stale page never cancels a newer job.</summary>
    public string Id { get; }

    /// <summary>The kind, or null for a job run by name (a restore).</summary>
    public JobKind? Kind { get; }

    public string Name { get; }

    /// <summary>Its place in the application's <see cref="JobGate"/>, and its cancel.</summary>
    public JobTicket Ticket { get; }

    public JobState State => Ticket.State;

    public DateTimeOffset Queued => Ticket.Queued;

    public DateTimeOffset? Started => Ticket.Started;

    /// <summary>What a job run by name last said it does (null: nothing said).</summary>
    public string? Phase
    {
        get => phase;
        internal set => phase = value;
    }

    /// <summary>Its exit code once it ended (130 when cancelled before it started).</summary>
    public Task<int> Completion => completion.Task;

    internal Func<Action<string>, CancellationToken, Task<int>> Body { get; }

    internal void Done(int code) => completion.TrySetResult(code);

    internal void Failed(Exception e) => completion.TrySetException(e);
}

/// <summary>The job a <see cref="JobQueue"/> runs now: its name, since when, and what it last said it does (null: nothing said).</summary>
public sealed record RunningJob(string Name, DateTimeOffset Started, string? Phase);

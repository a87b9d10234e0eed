using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Coffre.Configuration;
using Coffre.Journal;
using Microsoft.Win32.SafeHandles;

namespace Coffre.Jobs.Service;

/// <summary>
/// The one-job-at-a-time rule of an application's repository, the only guard of it: a backup, restore, drill,
/// check or prune of the CLI's application verbs, of the service's schedule or of its dashboard waits here for the
/// job before it, in this process (first come, first served) and across processes (an exclusive lock on
/// <c>job.lock</c> in the log folder, held while the job runs and dropped by the kernel if the process dies).
/// There is one gate per log folder in a process (<see cref="For(CoffreConfig)"/>). A job already inside the gate
/// (<see cref="Current"/>) passes through when it enters again, so a queue may hold the turn for the runner it calls.
/// </summary>
public sealed class JobGate
{
    /// <summary>The lock file's name in the log folder; <c>job.holder</c> beside it says who holds it.</summary>
    public const string LockFileName = "job.lock";

    private const string HolderFileName = "job.holder";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly ConcurrentDictionary<string, JobGate> gates = new(StringComparer.Ordinal);
    private static readonly AsyncLocal<JobTicket?> current = new();

    private readonly Lock sync = new();
    private readonly LinkedList<JobTicket> line = new();
    private JobTicket? holder;

    private JobGate(string? folder) => Folder = folder;

    /// <summary>The folder of the lock file; null: this process only (no log folder is known).</summary>
    public string? Folder { get; }

    /// <summary>The gate of <paramref name="config"/>'s application (its log folder, docs/logging.md).</summary>
    public static JobGate For(CoffreConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return For(LogPaths.Resolve(config.Logging.Path, Storage.RepositoryLocation.Canonical(config.Repository.LocationInForce)));
    }

    /// <summary>The gate whose lock file is in <paramref name="folder"/> (null: a gate of this process only).</summary>
    public static JobGate For(string? folder) =>
        gates.GetOrAdd(folder is null ? "" : Path.GetFullPath(folder), f => new JobGate(f.Length == 0 ? null : f));

    /// <summary>
    /// A gate of its own, in this process only, for a host whose jobs take the application's gate themselves (a
    /// service that runs <c>coffre backup -c FILE</c> as a child: the child waits at <c>job.lock</c>, so the host
    /// must not hold it), to keep its own jobs one at a time without waiting for itself.
    /// </summary>
    public static JobGate Private() => new(null);

    /// <summary>The job whose turn this async flow runs in, or null.</summary>
    public static JobTicket? Current => current.Value;

    /// <summary>The job inside the gate now (in this process), or null.</summary>
    public JobTicket? Holder
    {
        get { lock (sync) return holder; }
    }

    /// <summary>The jobs of this process waiting for their turn, first first.</summary>
    public IReadOnlyList<JobTicket> Waiting
    {
        get { lock (sync) return [.. line]; }
    }

    /// <summary>
    /// Runs <paramref name="body"/> as <paramref name="ticket"/> once every job before it ended. Cancelling
    /// <paramref name="ct"/> or the ticket (<see cref="JobTicket.Cancel"/>) while it waits throws
    /// <see cref="OperationCanceledException"/> and nothing ran; the body gets a token that either cancels.
    /// </summary>
    public async Task<T> RunAsync<T>(JobTicket ticket, Func<CancellationToken, Task<T>> body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(body);
        if (current.Value is { Gate: var held } outer && ReferenceEquals(held, this) && outer.State == JobState.Running)
            return await body(ct).ConfigureAwait(false); // the flow already holds this gate (a queue running the runner)
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, ticket.Token);
        await EnterAsync(ticket, both.Token).ConfigureAwait(false);
        try
        {
            current.Value = ticket;
            return await body(both.Token).ConfigureAwait(false);
        }
        finally
        {
            current.Value = null;
            Leave(ticket);
        }
    }

    private async Task EnterAsync(JobTicket ticket, CancellationToken ct)
    {
        ticket.Join(this);
        lock (sync)
        {
            if (holder is null && line.Count == 0) holder = ticket;
            else line.AddLast(ticket);
        }
        try
        {
            if (!ReferenceEquals(Holder, ticket))
            {
                ticket.Say("waiting for the job before it to end");
                await ticket.Turn.Task.WaitAsync(ct).ConfigureAwait(false);
            }
            ticket.LockFile = await LockAcrossProcessesAsync(ticket, ct).ConfigureAwait(false);
        }
        catch
        {
            lock (sync)
            {
                line.Remove(ticket);
                if (ReferenceEquals(holder, ticket)) PassOn();
            }
            ticket.Ended();
            throw;
        }
        ticket.Begin();
    }

    private void Leave(JobTicket ticket)
    {
        ticket.LockFile?.Dispose();
        ticket.LockFile = null;
        ticket.Ended();
        lock (sync) if (ReferenceEquals(holder, ticket)) PassOn();
    }

    /// <summary>Gives the turn to the next job in line (under <see cref="sync"/>).</summary>
    private void PassOn()
    {
        holder = line.First?.Value;
        if (holder is null) return;
        line.RemoveFirst();
        holder.Turn.TrySetResult();
    }

    /// <summary>The exclusive lock on <c>job.lock</c>, waited for while another process holds it; null without a log folder.</summary>
    private async Task<SafeFileHandle?> LockAcrossProcessesAsync(JobTicket ticket, CancellationToken ct)
    {
        if (Folder is null) return null;
        var path = Path.Combine(Folder, LockFileName);
        var told = false;
        while (true)
        {
            try
            {
                Directory.CreateDirectory(Folder);
                // FileShare.None: .NET takes flock(LOCK_EX|LOCK_NB) on the descriptor and fails if another holds it.
                var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                TryWriteHolder(ticket);
                return handle;
            }
            catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException) && File.Exists(path))
            {
                if (!told) ticket.Say($"waiting for {OtherHolder()} to end");
                told = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // No log folder to lock in (read-only, not ours): the job runs guarded in this process only, as
                // the journal then is not written either.
                ticket.Say($"warning: other processes' jobs are not waited for: {e.Message}");
                return null;
            }
            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
    }

    private void TryWriteHolder(JobTicket ticket)
    {
        try
        {
            File.WriteAllText(Path.Combine(Folder!, HolderFileName), string.Create(CultureInfo.InvariantCulture,
                $"{ticket.Name} (process {Environment.ProcessId}, since {ticket.Queued:yyyy-MM-dd HH:mm:ss}Z)"), Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // only a description for waiters
    }

    private string OtherHolder()
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(Folder!, HolderFileName), Encoding.UTF8);
            return "the job of another process, " + LogLine.OneLine(text.Length > 200 ? text[..200] : text) + ",";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "the job of another process"; }
    }
}

using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Platform;
using Coffre.Storage;

namespace Coffre.Repository.Locking;

/// <summary>
/// A lock file compatible with restic's (format doc §9): many non-exclusive locks (backup, restore, check) or one
/// exclusive lock (prune and other maintenance). Refreshed every 5 minutes while held, removed on dispose.
/// A lock that cannot be refreshed in time (storage failing) or whose file someone removed (<c>unlock</c>) is lost:
/// <see cref="Lost"/> is cancelled and the holder must stop without committing (restic ≥ 0.16: "failed to refresh
/// lock in time"), since another process may already consider the repository free.
/// </summary>
public sealed class RepositoryLock : IAsyncDisposable
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromMinutes(5);
    /// <summary>After a failed refresh, try again this soon.</summary>
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(30);
    /// <summary>Unrefreshed for this long, the lock counts as lost (restic's margin: stale timeout minus 1.5 refresh intervals).</summary>
    public static readonly TimeSpan RefreshDeadline = StaleAfter - RefreshEvery * 3 / 2;

    private readonly Repository _repo;
    private readonly bool _exclusive;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private BlobId _current;
    private DateTimeOffset _lastWritten;
    private string? _lostReason;
    private Task? _refresher;

    private RepositoryLock(Repository repo, bool exclusive, TimeProvider clock)
    {
        _repo = repo;
        _exclusive = exclusive;
        _clock = clock;
    }

    public static async Task<RepositoryLock> AcquireAsync(Repository repo, bool exclusive, TimeProvider clock, CancellationToken ct)
    {
        var l = new RepositoryLock(repo, exclusive, clock);
        await l.CheckConflictsAsync(null, ct).ConfigureAwait(false);
        l._current = await l.WriteAsync(ct).ConfigureAwait(false);
        try
        {
            // Two processes may have written at the same moment: look again after a short wait, as restic does.
            await Task.Delay(TimeSpan.FromMilliseconds(200), clock, ct).ConfigureAwait(false);
            await l.CheckConflictsAsync(l._current, ct).ConfigureAwait(false);
        }
        catch
        {
            await l.RemoveCurrentAsync().ConfigureAwait(false);
            throw;
        }
        l._refresher = l.RefreshLoopAsync();
        return l;
    }

    /// <summary>
    /// The lock a writer needs, then the index, in that order (as restic's backup does): an index read before the
    /// lock may name packs that a prune deletes in between, and the writer would then reuse data that is gone.
    /// A damaged index file refuses the work (see <see cref="Repository.EnsureIndexComplete"/>).
    /// </summary>
    public static async Task<RepositoryLock> AcquireThenLoadIndexAsync(Repository repo, bool exclusive, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var l = await AcquireAsync(repo, exclusive, clock, ct).ConfigureAwait(false);
        try
        {
            await repo.LoadIndexAsync(ct).ConfigureAwait(false);
            repo.EnsureIndexComplete();
            return l;
        }
        catch
        {
            await l.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private LockInfo NewInfo() => new(GoTime.FromDateTimeOffset(_clock.GetLocalNow()), _exclusive, Posix.GetHostName(),
        Environment.UserName, Posix.ProcessId, Posix.EffectiveUserId, Posix.EffectiveGroupId);

    private async Task<BlobId> WriteAsync(CancellationToken ct)
    {
        var written = _clock.GetUtcNow();
        var id = await _repo.SaveJsonAsync(FileType.Lock, LockJson.Serialize(NewInfo()), ct).ConfigureAwait(false);
        _lastWritten = written;
        return id;
    }

    /// <summary>Cancelled when the lock is lost (see the class comment): stop the work it protects, commit nothing.</summary>
    public CancellationToken Lost => _lost.Token;

    public bool IsLost => Volatile.Read(ref _lostReason) is not null;

    /// <summary>Throws the reason when the lock is lost.</summary>
    public void ThrowIfLost()
    {
        if (Volatile.Read(ref _lostReason) is { } reason)
            throw new CoffreException($"the repository lock was lost ({reason}): stopped without saving a snapshot; run it again");
    }

    private void MarkLost(string reason)
    {
        Volatile.Write(ref _lostReason, reason);
        _lost.Cancel();
    }

    private async Task CheckConflictsAsync(BlobId? own, CancellationToken ct)
    {
        foreach (var (id, info) in await ListAsync(_repo, ct).ConfigureAwait(false))
        {
            if (own == id || IsStale(info, _clock)) continue;
            if (_exclusive || info.Exclusive)
                throw new CoffreException(
                    $"the repository is locked {(info.Exclusive ? "exclusively" : "")} by PID {info.Pid} on {info.Hostname} since {info.Time.ToDateTimeOffset():u} (lock {id.ToShortString()}); wait for it to finish, or run 'coffre unlock' if that process is gone",
                    ExitCodes.Locked);
        }
    }

    /// <summary>Every lock file that can be read, with its ID. Unreadable lock files are skipped.</summary>
    public static async Task<List<(BlobId Id, LockInfo Info)>> ListAsync(Repository repo, CancellationToken ct)
    {
        var list = new List<(BlobId, LockInfo)>();
        await foreach (var e in repo.Backend.ListAsync(FileType.Lock, ct).ConfigureAwait(false))
        {
            try { list.Add((BlobId.Parse(e.Name), LockJson.Parse(await repo.LoadJsonAsync(FileType.Lock, e.Name, ct).ConfigureAwait(false)))); }
            catch (Exception ex) when (ex is InvalidDataException or StorageNotFoundException or System.Text.Json.JsonException) { }
        }
        return list;
    }

    /// <summary>Stale: older than 30 minutes, or written on this host by a process that is gone.</summary>
    public static bool IsStale(LockInfo info, TimeProvider clock)
    {
        if (clock.GetUtcNow() - info.Time.ToDateTimeOffset() > StaleAfter) return true;
        return info.Hostname == Posix.GetHostName() && !Posix.IsProcessAlive(info.Pid);
    }

    /// <summary>Removes stale locks (all locks with <paramref name="all"/>); returns how many went.</summary>
    public static async Task<int> RemoveLocksAsync(Repository repo, bool all, TimeProvider clock, CancellationToken ct)
    {
        var n = 0;
        foreach (var (id, info) in await ListAsync(repo, ct).ConfigureAwait(false))
        {
            if (!all && !IsStale(info, clock)) continue;
            try { await repo.Backend.RemoveAsync(new StorageHandle(FileType.Lock, id.ToString()), ct).ConfigureAwait(false); n++; }
            catch (StorageNotFoundException) { }
        }
        return n;
    }

    private async Task RefreshLoopAsync()
    {
        var wait = RefreshEvery;
        string? lastError = null;
        try
        {
            while (true)
            {
                await Task.Delay(wait, _clock, _stop.Token).ConfigureAwait(false);
                if (_clock.GetUtcNow() - _lastWritten > RefreshDeadline)
                {
                    MarkLost($"failed to refresh the lock in time{(lastError is null ? "" : ": " + lastError)}; another process may already take it for stale");
                    return;
                }
                try
                {
                    var old = _current;
                    if (await _repo.Backend.StatAsync(Handle(old), _stop.Token).ConfigureAwait(false) is null)
                    {
                        MarkLost($"its file {old.ToShortString()} was removed by someone else, e.g. 'unlock'");
                        return;
                    }
                    _current = await WriteAsync(_stop.Token).ConfigureAwait(false);
                    try { await _repo.Backend.RemoveAsync(Handle(old), _stop.Token).ConfigureAwait(false); }
                    catch (StorageNotFoundException)
                    {
                        MarkLost($"its file {old.ToShortString()} was removed by someone else, e.g. 'unlock'");
                        return;
                    }
                    wait = RefreshEvery;
                    lastError = null;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    lastError = e.Message;
                    wait = RetryEvery;
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private static StorageHandle Handle(BlobId id) => new(FileType.Lock, id.ToString());

    private async Task RemoveCurrentAsync()
    {
        try { await _repo.Backend.RemoveAsync(new StorageHandle(FileType.Lock, _current.ToString()), CancellationToken.None).ConfigureAwait(false); }
        catch (StorageNotFoundException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_refresher is not null) await _refresher.ConfigureAwait(false);
        await RemoveCurrentAsync().ConfigureAwait(false);
        _stop.Dispose();
        _lost.Dispose();
    }
}

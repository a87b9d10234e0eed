using Coffre.Repository.Locking;

namespace Coffre.Repository;

/// <summary>Which lock a write session holds: shared (backup, restore and its safety snapshot) or exclusive (prune, forget, repair).</summary>
public enum LockMode
{
    Shared,
    Exclusive,
}

/// <summary>
/// The right to write into a repository: an opened <see cref="Repository"/> together with its lock, taken before
/// the index is read (a prune between reading the index and locking would delete packs a backup then reuses).
/// There is no other way to make one (<see cref="Repository.BeginWriteAsync"/>), so no session exists without its
/// lock; disposing it removes the lock, also after a failure. Work handed a session stops when
/// <see cref="Lost"/> fires (the lock could not be refreshed, or someone removed it) and commits nothing then.
/// </summary>
public sealed class RepositoryWriteSession : IAsyncDisposable
{
    private readonly RepositoryLock _lock;
    private int _disposed;

    private RepositoryWriteSession(Repository repository, RepositoryLock repositoryLock, LockMode mode)
    {
        Repository = repository;
        _lock = repositoryLock;
        Mode = mode;
    }

    internal static async Task<RepositoryWriteSession> StartAsync(Repository repository, LockMode mode, TimeProvider clock, bool loadIndex, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var exclusive = mode == LockMode.Exclusive;
        var taken = loadIndex
            ? await RepositoryLock.AcquireThenLoadIndexAsync(repository, exclusive, clock, ct).ConfigureAwait(false)
            : await RepositoryLock.AcquireAsync(repository, exclusive, clock, ct).ConfigureAwait(false);
        return new RepositoryWriteSession(repository, taken, mode);
    }

    /// <summary>The repository, to write into while the session lasts.</summary>
    public Repository Repository { get; }

    /// <summary>The same repository seen read-only.</summary>
    public RepositoryReader Reader => Repository;

    public LockMode Mode { get; }

    /// <summary>Cancelled when the lock is lost: stop, commit nothing.</summary>
    public CancellationToken Lost => _lock.Lost;

    public bool IsLost => _lock.IsLost;

    /// <summary>Throws the reason when the lock is lost.</summary>
    public void ThrowIfLost() => _lock.ThrowIfLost();

    /// <summary>Whether the lock is still held (false once disposed).</summary>
    public bool IsOpen => Volatile.Read(ref _disposed) == 0;

    /// <summary>Removes the lock (once; later calls do nothing).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _lock.DisposeAsync().ConfigureAwait(false);
    }
}

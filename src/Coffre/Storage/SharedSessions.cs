namespace Coffre.Storage;

/// <summary>
/// Backends that hold a child process and its session (rclone serve restic, ssh), shared per location and
/// environment in a process: a long-running service opening its repository for every job and page does not start a
/// child each time. Each open gets a lease; the session ends (its child with it) when the last lease is disposed, and
/// a session found broken (its child died) is ended and replaced at the next open.
/// </summary>
internal static class SharedSessions
{
    private sealed class Session(IStorageBackend backend)
    {
        public IStorageBackend Backend { get; } = backend;
        public int Users;
    }

    private static readonly Dictionary<string, Session> Sessions = new(StringComparer.Ordinal);

    /// <summary>A lease on the session for <paramref name="key"/>, started with <paramref name="open"/> when there is none.</summary>
    public static IStorageBackend Lease(string key, Func<IStorageBackend> open)
    {
        IStorageBackend? broken = null;
        Session session;
        lock (Sessions)
        {
            if (!Sessions.TryGetValue(key, out session!) || session.Backend is IBreakable { IsBroken: true })
            {
                if (session is not null)
                {
                    // Its child is gone: whoever still holds a lease gets the same clear error it gets today.
                    broken = session.Backend;
                    Sessions.Remove(key);
                }
                session = new Session(open());
                Sessions[key] = session;
            }
            session.Users++;
        }
        if (broken is not null) _ = broken.DisposeAsync().AsTask();
        return new SessionLease(session.Backend, () => Release(key, session));
    }

    /// <summary>How many sessions are open (for tests).</summary>
    internal static int Count
    {
        get { lock (Sessions) return Sessions.Count; }
    }

    private static ValueTask Release(string key, Session session)
    {
        lock (Sessions)
        {
            if (--session.Users > 0) return ValueTask.CompletedTask;
            if (Sessions.TryGetValue(key, out var current) && current == session) Sessions.Remove(key);
        }
        return session.Backend.DisposeAsync();
    }

    /// <summary>One user's handle on a shared backend: every call goes to it; disposing gives the lease back, once.</summary>
    private sealed class SessionLease(IStorageBackend inner, Func<ValueTask> release) : IStorageBackend, IBreakable
    {
        private int _disposed;

        public string Location => inner.Location;
        public BackendProperties Properties => inner.Properties;
        public bool IsBroken => inner is IBreakable { IsBroken: true };

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? release() : ValueTask.CompletedTask;

        public Task<bool> ExistsAsync(CancellationToken ct) => inner.ExistsAsync(ct);
        public Task CreateAsync(CancellationToken ct) => inner.CreateAsync(ct);
        public Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct) => inner.SaveAsync(handle, source, ct);
        public Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct) => inner.LoadAsync(handle, ct);
        public Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct) => inner.ReadAtAsync(handle, offset, buffer, ct);
        public Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct) => inner.OpenReadAsync(handle, ct);
        public Task<long?> StatAsync(StorageHandle handle, CancellationToken ct) => inner.StatAsync(handle, ct);
        public IAsyncEnumerable<StorageEntry> ListAsync(FileType type, CancellationToken ct) => inner.ListAsync(type, ct);
        public Task RemoveAsync(StorageHandle handle, CancellationToken ct) => inner.RemoveAsync(handle, ct);
        public Task<int> RemoveLeftoversAsync(CancellationToken ct) => inner.RemoveLeftoversAsync(ct);
        public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => inner.CapacityAsync(ct);
    }
}

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
    private sealed class SessionLease(IStorageBackend inner, Func<ValueTask> release) : DelegatingBackend(inner), IBreakable
    {
        private int _disposed;

        public bool IsBroken => Inner is IBreakable { IsBroken: true };

        public override ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? release() : ValueTask.CompletedTask;
    }
}

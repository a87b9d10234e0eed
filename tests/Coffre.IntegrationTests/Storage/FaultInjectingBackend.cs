using System.Collections.Concurrent;
using Coffre.Storage;

namespace Coffre.IntegrationTests.Storage;

/// <summary>Which call a fault hits.</summary>
internal enum StorageCall { Exists, Create, Save, Load, ReadAt, OpenRead, Stat, List, Remove, RemoveLeftovers, Capacity }

/// <summary>
/// The test fault injector (never in shipped code): wraps a backend and makes the next N calls of a kind fail with
/// <see cref="TransientStorageException"/>, either before they reach the backend (a refused connection) or after
/// the backend did the work (a lost reply: the object is stored or removed, the caller hears an error).
/// </summary>
internal sealed class FaultInjectingBackend(IStorageBackend inner) : IStorageBackend
{
    private readonly ConcurrentDictionary<StorageCall, (int Count, bool AfterCall)> _faults = new();
    private int _injected;

    /// <summary>How many faults were raised so far.</summary>
    public int Injected => _injected;

    /// <summary>The next <paramref name="times"/> calls of <paramref name="call"/> fail; <paramref name="afterCall"/>: once the inner call has succeeded.</summary>
    public FaultInjectingBackend Fail(StorageCall call, int times, bool afterCall = false)
    {
        _faults[call] = (times, afterCall);
        return this;
    }

    private bool Take(StorageCall call, bool after)
    {
        while (_faults.TryGetValue(call, out var f) && f.Count > 0 && f.AfterCall == after)
            if (_faults.TryUpdate(call, (f.Count - 1, f.AfterCall), f))
            {
                Interlocked.Increment(ref _injected);
                return true;
            }
        return false;
    }

    private async Task<T> Run<T>(StorageCall call, Func<Task<T>> body)
    {
        if (Take(call, after: false)) throw new TransientStorageException($"injected fault: {call} refused");
        var result = await body().ConfigureAwait(false);
        if (Take(call, after: true)) throw new TransientStorageException($"injected fault: {call} reply lost");
        return result;
    }

    private Task Run(StorageCall call, Func<Task> body) => Run(call, async () => { await body().ConfigureAwait(false); return 0; });

    public string Location => inner.Location;
    public BackendProperties Properties => inner.Properties;
    public Task<bool> ExistsAsync(CancellationToken ct) => Run(StorageCall.Exists, () => inner.ExistsAsync(ct));
    public Task CreateAsync(CancellationToken ct) => Run(StorageCall.Create, () => inner.CreateAsync(ct));
    public Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct) => Run(StorageCall.Save, () => inner.SaveAsync(handle, source, ct));
    public Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct) => Run(StorageCall.Load, () => inner.LoadAsync(handle, ct));
    public Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct) => Run(StorageCall.ReadAt, () => inner.ReadAtAsync(handle, offset, buffer, ct));
    public Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct) => Run(StorageCall.OpenRead, () => inner.OpenReadAsync(handle, ct));
    public Task<long?> StatAsync(StorageHandle handle, CancellationToken ct) => Run(StorageCall.Stat, () => inner.StatAsync(handle, ct));
    public Task RemoveAsync(StorageHandle handle, CancellationToken ct) => Run(StorageCall.Remove, () => inner.RemoveAsync(handle, ct));
    public Task<int> RemoveLeftoversAsync(CancellationToken ct) => Run(StorageCall.RemoveLeftovers, () => inner.RemoveLeftoversAsync(ct));
    public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => Run(StorageCall.Capacity, () => inner.CapacityAsync(ct));
    public ValueTask DisposeAsync() => inner.DisposeAsync();

    public async IAsyncEnumerable<StorageEntry> ListAsync(FileType type, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (Take(StorageCall.List, after: false)) throw new TransientStorageException("injected fault: List refused");
        await foreach (var e in inner.ListAsync(type, ct).ConfigureAwait(false)) yield return e;
    }
}

/// <summary>A clock the retry tests move by hand, and a delay that moves it instead of sleeping.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = DateTimeOffset.UnixEpoch.AddYears(56).UtcTicks;
    private readonly List<TimeSpan> _waits = [];

    public IReadOnlyList<TimeSpan> Waits { get { lock (_waits) return [.. _waits]; } }
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public Task Delay(TimeSpan wait, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_waits) _waits.Add(wait);
        Interlocked.Add(ref _ticks, wait.Ticks);
        return Task.CompletedTask;
    }

    public StorageOptions Options(RetryPolicy? policy = null) => new() { Retry = policy ?? RetryPolicy.Default, Clock = this, Delay = Delay };
}

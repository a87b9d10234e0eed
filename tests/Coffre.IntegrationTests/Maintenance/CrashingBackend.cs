using Coffre.Storage;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// A backend that "loses power" right after its Nth change to a pack or an index file: from then on every call
/// fails without touching the repository, so the repository stays exactly as a crash (or kill -9) at that moment
/// would leave it. Lets the crash tests stop prune at every step deterministically, with no hook in shipped code.
/// </summary>
internal sealed class CrashingBackend(IStorageBackend inner, int changesBeforeCrash) : IStorageBackend
{
    private int _changes;
    private volatile bool _crashed;

    public bool Crashed => _crashed;

    public string Location => inner.Location;
    public BackendProperties Properties => inner.Properties;
    public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => Guard(() => inner.CapacityAsync(ct));

    public Task<bool> ExistsAsync(CancellationToken ct) => Guard(() => inner.ExistsAsync(ct));
    public Task CreateAsync(CancellationToken ct) => Guard(() => inner.CreateAsync(ct));
    public Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct) => Change(handle, () => inner.SaveAsync(handle, source, ct));
    public Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct) => Guard(() => inner.LoadAsync(handle, ct));
    public Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct) => Guard(() => inner.ReadAtAsync(handle, offset, buffer, ct));
    public Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct) => Guard(() => inner.OpenReadAsync(handle, ct));
    public Task<long?> StatAsync(StorageHandle handle, CancellationToken ct) => Guard(() => inner.StatAsync(handle, ct));
    public Task RemoveAsync(StorageHandle handle, CancellationToken ct) => Change(handle, () => inner.RemoveAsync(handle, ct));
    public Task<int> RemoveLeftoversAsync(CancellationToken ct) => Guard(() => inner.RemoveLeftoversAsync(ct));

    public async IAsyncEnumerable<StorageEntry> ListAsync(FileType type, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        ThrowIfCrashed();
        await foreach (var e in inner.ListAsync(type, ct).ConfigureAwait(false))
        {
            ThrowIfCrashed();
            yield return e;
        }
    }

    private async Task Change(StorageHandle handle, Func<Task> change)
    {
        ThrowIfCrashed();
        await change().ConfigureAwait(false);
        if (handle.Type is FileType.Pack or FileType.Index && Interlocked.Increment(ref _changes) >= changesBeforeCrash) _crashed = true;
    }

    private Task<T> Guard<T>(Func<Task<T>> call)
    {
        ThrowIfCrashed();
        return call();
    }

    private Task Guard(Func<Task> call)
    {
        ThrowIfCrashed();
        return call();
    }

    private void ThrowIfCrashed()
    {
        if (_crashed) throw new IOException("simulated crash: the process is gone");
    }
}

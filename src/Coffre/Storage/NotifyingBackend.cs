namespace Coffre.Storage;

/// <summary>What changed in a repository: an object stored (durable) or removed.</summary>
public readonly record struct StorageChange(StorageHandle Handle, bool Removed);

/// <summary>
/// Wraps a backend and reports every object once it is stored or removed, after the inner backend finished.
/// Hosts use it to show or log each change of a long maintenance run.
/// </summary>
public sealed class NotifyingBackend(IStorageBackend inner, Action<StorageChange> onChange) : IStorageBackend
{
    public string Location => inner.Location;
    public BackendProperties Properties => inner.Properties;
    public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => inner.CapacityAsync(ct);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
    public Task<bool> ExistsAsync(CancellationToken ct) => inner.ExistsAsync(ct);
    public Task CreateAsync(CancellationToken ct) => inner.CreateAsync(ct);

    public async Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct)
    {
        await inner.SaveAsync(handle, source, ct).ConfigureAwait(false);
        onChange(new StorageChange(handle, Removed: false));
    }

    public Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct) => inner.LoadAsync(handle, ct);
    public Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct) => inner.ReadAtAsync(handle, offset, buffer, ct);
    public Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct) => inner.OpenReadAsync(handle, ct);
    public Task<long?> StatAsync(StorageHandle handle, CancellationToken ct) => inner.StatAsync(handle, ct);
    public IAsyncEnumerable<StorageEntry> ListAsync(FileType type, CancellationToken ct) => inner.ListAsync(type, ct);

    public async Task RemoveAsync(StorageHandle handle, CancellationToken ct)
    {
        await inner.RemoveAsync(handle, ct).ConfigureAwait(false);
        onChange(new StorageChange(handle, Removed: true));
    }

    public Task<int> RemoveLeftoversAsync(CancellationToken ct) => inner.RemoveLeftoversAsync(ct);
}

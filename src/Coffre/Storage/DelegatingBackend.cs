namespace Coffre.Storage;

/// <summary>
/// A backend that hands every call to another: a decorator derives from it and overrides only what it changes
/// (disposing disposes the inner backend unless overridden).
/// </summary>
public abstract class DelegatingBackend : IStorageBackend
{
    protected DelegatingBackend(IStorageBackend inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    protected IStorageBackend Inner { get; }

    public virtual string Location => Inner.Location;
    public virtual BackendProperties Properties => Inner.Properties;
    public virtual ValueTask DisposeAsync() => Inner.DisposeAsync();
    public virtual Task<bool> ExistsAsync(CancellationToken ct) => Inner.ExistsAsync(ct);
    public virtual Task CreateAsync(CancellationToken ct) => Inner.CreateAsync(ct);
    public virtual Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct) => Inner.SaveAsync(handle, source, ct);
    public virtual Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct) => Inner.LoadAsync(handle, ct);
    public virtual Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct) => Inner.ReadAtAsync(handle, offset, buffer, ct);
    public virtual Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct) => Inner.OpenReadAsync(handle, ct);
    public virtual Task<long?> StatAsync(StorageHandle handle, CancellationToken ct) => Inner.StatAsync(handle, ct);
    public virtual IAsyncEnumerable<StorageEntry> ListAsync(FileType type, CancellationToken ct) => Inner.ListAsync(type, ct);
    public virtual Task RemoveAsync(StorageHandle handle, CancellationToken ct) => Inner.RemoveAsync(handle, ct);
    public virtual Task<int> RemoveLeftoversAsync(CancellationToken ct) => Inner.RemoveLeftoversAsync(ct);
    public virtual Task<StorageCapacity> CapacityAsync(CancellationToken ct) => Inner.CapacityAsync(ct);
}

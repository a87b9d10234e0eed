using Coffre.Storage;

namespace Coffre.Repository;

/// <summary>
/// A backend seen through a <see cref="RepositoryReader"/>: list, stat and read, nothing that stores or removes.
/// The backend itself stays private, so a reader's holder cannot write by reaching around it.
/// </summary>
public sealed class ReadOnlyStorage
{
    private readonly IStorageBackend _backend;

    internal ReadOnlyStorage(IStorageBackend backend) => _backend = backend;

    /// <summary>Human-readable location, for messages (never holds a secret).</summary>
    public string Location => _backend.Location;

    /// <summary>What the backend is (connections, staging folder, local folder), as data.</summary>
    public BackendProperties Properties => _backend.Properties;

    public Task<bool> ExistsAsync(CancellationToken ct) => _backend.ExistsAsync(ct);

    public IAsyncEnumerable<StorageEntry> ListAsync(FileType type, CancellationToken ct) => _backend.ListAsync(type, ct);

    public Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct) => _backend.LoadAsync(handle, ct);

    public Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct) => _backend.ReadAtAsync(handle, offset, buffer, ct);

    public Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct) => _backend.OpenReadAsync(handle, ct);

    public Task<long?> StatAsync(StorageHandle handle, CancellationToken ct) => _backend.StatAsync(handle, ct);

    public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => _backend.CapacityAsync(ct);
}

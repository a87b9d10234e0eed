namespace Coffre.Storage;

/// <summary>Names one object in a repository: its kind and its name (64 hex chars, or "config").</summary>
public readonly record struct StorageHandle(FileType Type, string Name)
{
    public static readonly StorageHandle Config = new(FileType.Config, "config");
    public override string ToString() => Type == FileType.Config ? "config" : $"{Type.ToString().ToLowerInvariant()}/{Name}";
}

/// <summary>One listed object: its name and size in bytes.</summary>
public readonly record struct StorageEntry(string Name, long Size);

/// <summary>
/// Where a repository's objects live. The contract every backend keeps (and the shared contract tests check):
/// <list type="bullet">
/// <item>Save is atomic: after a crash an object is either absent or whole, never partial; objects are never modified.
/// Saving a name that already exists is an error (names are content hashes, so a retry may treat "exists with the
/// same size" as success).</item>
/// <item>A missing object raises <see cref="StorageNotFoundException"/>; a failure worth retrying (connection
/// reset, timeout, 5xx) raises <see cref="TransientStorageException"/>; any other failure is permanent for that call.</item>
/// <item>List returns only well-formed names (64 hex, or config) and never temp files.</item>
/// <item>All methods are safe to call concurrently.</item>
/// <item>Disposing releases what the backend holds (connections, a child process); a backend opened by
/// <see cref="BackendOpener"/> is disposed by whoever opened it, once done. Wrappers dispose what they wrap; a
/// backend holding nothing to release need not implement it.</item>
/// </list>
/// </summary>
public interface IStorageBackend : IAsyncDisposable
{
    ValueTask IAsyncDisposable.DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Human-readable location, for messages (never holds a secret).</summary>
    string Location { get; }

    /// <summary>Whether the repository exists (its config object is present).</summary>
    Task<bool> ExistsAsync(CancellationToken ct);

    /// <summary>Creates the folder structure of a new repository; harmless when it exists.</summary>
    Task CreateAsync(CancellationToken ct);

    /// <summary>What the backend is (connections, staging folder, local folder), as data.</summary>
    BackendProperties Properties { get; }

    /// <summary>
    /// Stores <paramref name="source"/> under <paramref name="handle"/>, atomically. The source may be opened
    /// several times (a retry starts again from its first byte). A <see cref="StagedFileSource"/> may be moved
    /// into place by a backend whose staging folder holds it; otherwise it is left to the caller.
    /// </summary>
    Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct);

    /// <summary>Reads a whole object (config, keys, index, snapshots, locks: small objects).</summary>
    Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct);

    /// <summary>Reads exactly <c>buffer.Length</c> bytes at <paramref name="offset"/>; fewer means the object is truncated.</summary>
    Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct);

    /// <summary>Opens a sequential stream over a whole object (to verify a pack without holding it in memory).</summary>
    Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct);

    /// <summary>The size of an object, or null when it does not exist.</summary>
    Task<long?> StatAsync(StorageHandle handle, CancellationToken ct);

    IAsyncEnumerable<StorageEntry> ListAsync(FileType type, CancellationToken ct);

    Task RemoveAsync(StorageHandle handle, CancellationToken ct);

    /// <summary>
    /// Removes what interrupted writes left behind (temp and staging files, which listing never shows); returns
    /// how many went. Only under an exclusive lock: a running writer's files look the same.
    /// </summary>
    Task<int> RemoveLeftoversAsync(CancellationToken ct);

    /// <summary>Free space for the repository's objects, or <see cref="StorageCapacity.Unknown"/> when the backend cannot tell.</summary>
    Task<StorageCapacity> CapacityAsync(CancellationToken ct);
}

public static class StorageBackendExtensions
{
    /// <summary>Stores bytes held in memory (small objects).</summary>
    public static Task SaveAsync(this IStorageBackend backend, StorageHandle handle, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return backend.SaveAsync(handle, SaveSource.FromBytes(data), ct);
    }
}

public sealed class StorageNotFoundException : FileNotFoundException
{
    public StorageNotFoundException(StorageHandle handle, string location)
        : base($"{handle} does not exist in {location}") => Handle = handle;

    public StorageNotFoundException() { }
    public StorageNotFoundException(string message) : base(message) { }
    public StorageNotFoundException(string message, Exception inner) : base(message, inner) { }

    public StorageHandle Handle { get; }
}

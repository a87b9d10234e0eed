using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Coffre.Storage.Memory;

/// <summary>A repository held in memory: for tests, and the reference the contract tests compare others with.</summary>
public sealed class MemoryBackend : IStorageBackend
{
    private readonly ConcurrentDictionary<StorageHandle, byte[]> _objects = new();
    private volatile bool _created;

    public string Location => "memory";

    /// <summary>Like a remote backend: no local folder, so packs are staged elsewhere and streamed in.</summary>
    public BackendProperties Properties { get; } = BackendProperties.Remote(maxConnections: 8);

    /// <summary>Memory has no capacity to report.</summary>
    public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => Task.FromResult(StorageCapacity.Unknown);

    public Task<bool> ExistsAsync(CancellationToken ct) => Task.FromResult(_objects.ContainsKey(StorageHandle.Config));

    public Task CreateAsync(CancellationToken ct)
    {
        _created = true;
        return Task.CompletedTask;
    }

    public async Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!_created) throw new IOException("repository not created");
        if (_objects.ContainsKey(handle)) throw new IOException($"{handle} already exists");
        byte[] data;
        if (source is BytesSource bytes) data = bytes.Data.ToArray();
        else
        {
            var copy = new MemoryStream();
            var input = source.Open();
            await using (input.ConfigureAwait(false)) await input.CopyToAsync(copy, ct).ConfigureAwait(false);
            data = copy.ToArray();
        }
        if (data.Length != source.Length)
            throw new IOException($"{handle}: the data to save has {data.Length} bytes, not the {source.Length} announced; nothing was stored");
        ct.ThrowIfCancellationRequested();
        if (!_objects.TryAdd(handle, data)) throw new IOException($"{handle} already exists");
    }

    private byte[] Get(StorageHandle h) => _objects.TryGetValue(h, out var b) ? b : throw new StorageNotFoundException(h, Location);

    public Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct) => Task.FromResult((byte[])Get(handle).Clone());

    public Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct)
    {
        var b = Get(handle);
        if (offset >= b.Length) return Task.FromResult(0);
        var n = (int)Math.Min(buffer.Length, b.Length - offset);
        b.AsSpan((int)offset, n).CopyTo(buffer.Span);
        return Task.FromResult(n);
    }

    public Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct) =>
        Task.FromResult<Stream>(new MemoryStream(Get(handle), writable: false));

    public Task<long?> StatAsync(StorageHandle handle, CancellationToken ct) =>
        Task.FromResult(_objects.TryGetValue(handle, out var b) ? b.Length : (long?)null);

    public async IAsyncEnumerable<StorageEntry> ListAsync(FileType type, [EnumeratorCancellation] CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        foreach (var (h, b) in _objects)
            if (h.Type == type) yield return new StorageEntry(h.Name, b.Length);
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task RemoveAsync(StorageHandle handle, CancellationToken ct)
    {
        if (!_objects.TryRemove(handle, out _)) throw new StorageNotFoundException(handle, Location);
        return Task.CompletedTask;
    }

    /// <summary>Nothing is ever half-written in memory.</summary>
    public Task<int> RemoveLeftoversAsync(CancellationToken ct) => Task.FromResult(0);
}

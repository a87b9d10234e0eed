using System.Collections.Concurrent;
using Coffre.Storage;

namespace Coffre.Tests.Repository;

/// <summary>A backend that counts, per kind of object, what is loaded and what is saved or removed, and passes everything through.</summary>
internal sealed class CountingBackend(IStorageBackend inner) : IStorageBackend
{
    private readonly ConcurrentDictionary<(string Op, FileType Type), int> _counts = new();

    /// <summary>How many times <paramref name="op"/> (load, read, save, remove, list) touched objects of <paramref name="type"/>.</summary>
    public int Count(string op, FileType type) => _counts.TryGetValue((op, type), out var n) ? n : 0;

    /// <summary>Saves and removes of any kind.</summary>
    public int Writes => _counts.Where(c => c.Key.Op is "save" or "remove" or "create" or "leftovers").Sum(c => c.Value);

    private readonly ConcurrentDictionary<StorageHandle, int> _loads = new();

    /// <summary>The most times any one object of <paramref name="type"/> was loaded whole.</summary>
    public int MostLoadsOfOne(FileType type) => _loads.Where(l => l.Key.Type == type).Select(l => l.Value).DefaultIfEmpty(0).Max();

    private void Note(string op, FileType type) => _counts.AddOrUpdate((op, type), 1, (_, n) => n + 1);

    public string Location => inner.Location;
    public BackendProperties Properties => inner.Properties;
    public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => inner.CapacityAsync(ct);
    public Task<bool> ExistsAsync(CancellationToken ct) => inner.ExistsAsync(ct);
    public Task CreateAsync(CancellationToken ct) { Note("create", FileType.Config); return inner.CreateAsync(ct); }
    public Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct) { Note("save", handle.Type); return inner.SaveAsync(handle, source, ct); }
    public Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct)
    {
        Note("load", handle.Type);
        _loads.AddOrUpdate(handle, 1, (_, n) => n + 1);
        return inner.LoadAsync(handle, ct);
    }
    public Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct) { Note("read", handle.Type); return inner.ReadAtAsync(handle, offset, buffer, ct); }
    public Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct) { Note("read", handle.Type); return inner.OpenReadAsync(handle, ct); }
    public Task<long?> StatAsync(StorageHandle handle, CancellationToken ct) => inner.StatAsync(handle, ct);
    public IAsyncEnumerable<StorageEntry> ListAsync(FileType type, CancellationToken ct) { Note("list", type); return inner.ListAsync(type, ct); }
    public Task RemoveAsync(StorageHandle handle, CancellationToken ct) { Note("remove", handle.Type); return inner.RemoveAsync(handle, ct); }
    public Task<int> RemoveLeftoversAsync(CancellationToken ct) { Note("leftovers", FileType.Config); return inner.RemoveLeftoversAsync(ct); }
}

using System.Text;
using Coffre.Model;
using Coffre.Storage;

namespace Coffre.IntegrationTests.Storage;

/// <summary>
/// The backend contract (IStorageBackend; the cases of tests/Coffre.Tests/Storage/StorageContractTests.cs) for a
/// backend whose server keeps the repository in a folder this test can see (<see cref="ServedRoot"/>), plus what a
/// remote adds: concurrency, cancellation, restic's on-disk layout, names the server holds that are not objects.
/// </summary>
public abstract class RemoteContractTests : IDisposable
{
    protected abstract IStorageBackend Backend { get; }

    /// <summary>The folder the server stores the repository in.</summary>
    protected abstract string ServedRoot { get; }

    public virtual void Dispose()
    {
        (Backend as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }

    private static StorageHandle Handle(FileType t, byte[] data) => new(t, BlobId.Hash(data).ToString());

    [Fact]
    public async Task SaveThenLoadGivesTheSameBytes()
    {
        await Backend.CreateAsync(default);
        var data = Encoding.UTF8.GetBytes("some snapshot");
        var h = Handle(FileType.Snapshot, data);
        await Backend.SaveAsync(h, data, default);
        Assert.Equal(data, await Backend.LoadAsync(h, default));
        Assert.Equal(data.Length, await Backend.StatAsync(h, default));
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(ServedRoot, "snapshots", h.Name)));
    }

    [Fact]
    public async Task MissingObjectsRaiseNotFound()
    {
        await Backend.CreateAsync(default);
        var h = new StorageHandle(FileType.Index, new string('a', 64));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Backend.LoadAsync(h, default));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Backend.RemoveAsync(h, default));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Backend.OpenReadAsync(h, default));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Backend.ReadAtAsync(h, 0, new byte[4], default));
        Assert.Null(await Backend.StatAsync(h, default));
    }

    [Fact]
    public async Task ARepositoryIsCreatedAndFoundThroughItsConfig()
    {
        Assert.False(await Backend.ExistsAsync(default));
        await Backend.CreateAsync(default);
        await Backend.CreateAsync(default); // harmless when it exists
        Assert.False(await Backend.ExistsAsync(default));
        await Backend.SaveAsync(StorageHandle.Config, new byte[] { 1, 2, 3 }, default);
        Assert.True(await Backend.ExistsAsync(default));
        var configs = new List<StorageEntry>();
        await foreach (var e in Backend.ListAsync(FileType.Config, default)) configs.Add(e);
        Assert.Equal([new StorageEntry("config", 3)], configs);
    }

    [Fact]
    public async Task ObjectsAreNeverOverwritten()
    {
        await Backend.CreateAsync(default);
        var data = new byte[] { 1, 2, 3 };
        var h = Handle(FileType.Key, data);
        await Backend.SaveAsync(h, data, default);
        await Assert.ThrowsAnyAsync<IOException>(() => Backend.SaveAsync(h, new byte[] { 9 }, default));
        Assert.Equal(data, await Backend.LoadAsync(h, default));
    }

    [Fact]
    public async Task ListReturnsOnlyThatTypeAndRangesRead()
    {
        await Backend.CreateAsync(default);
        var pack = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var ph = Handle(FileType.Pack, pack);
        await Backend.SaveAsync(ph, pack, default);
        var idx = new byte[] { 7 };
        await Backend.SaveAsync(Handle(FileType.Index, idx), idx, default);
        var packs = new List<StorageEntry>();
        await foreach (var e in Backend.ListAsync(FileType.Pack, default)) packs.Add(e);
        Assert.Equal([new StorageEntry(ph.Name, 1000)], packs);
        var buf = new byte[10];
        Assert.Equal(10, await Backend.ReadAtAsync(ph, 500, buf, default));
        Assert.Equal(pack[500..510], buf);
        Assert.Equal(5, await Backend.ReadAtAsync(ph, 995, buf, default));
        Assert.Equal(pack[995..1000], buf[..5]);
        Assert.Equal(0, await Backend.ReadAtAsync(ph, 1000, buf, default));
        // restic's layout: packs under data/XX/, so restic and rest-server find them
        Assert.True(File.Exists(Path.Combine(ServedRoot, "data", ph.Name[..2], ph.Name)));
    }

    [Fact]
    public async Task StagedFilesAreStoredWholeAndStreamBack()
    {
        await Backend.CreateAsync(default);
        var data = new byte[3 << 20];
        Random.Shared.NextBytes(data);
        Assert.Null(Backend.Properties.StagingFolder);
        var staging = Path.Combine(Path.GetTempPath(), $"coffre-remote-test-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(staging, data);
        var h = Handle(FileType.Pack, data);
        try
        {
            await Backend.SaveAsync(h, new StagedFileSource(staging, data.Length), default);
            Assert.True(File.Exists(staging)); // a remote backend reads a staged file; the writer deletes it
        }
        finally { File.Delete(staging); }
        await using var stream = await Backend.OpenReadAsync(h, default);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task NamesThatAreNotObjectsAreNotListed()
    {
        await Backend.CreateAsync(default);
        var data = new byte[] { 4, 5 };
        var h = Handle(FileType.Snapshot, data);
        await Backend.SaveAsync(h, data, default);
        await File.WriteAllBytesAsync(Path.Combine(ServedRoot, "snapshots", h.Name + "-tmp-1234"), [1]);
        await File.WriteAllBytesAsync(Path.Combine(ServedRoot, "snapshots", "README"), [1]);
        await File.WriteAllBytesAsync(Path.Combine(ServedRoot, "snapshots", h.Name.ToUpperInvariant()), [1]);
        var names = new List<string>();
        await foreach (var e in Backend.ListAsync(FileType.Snapshot, default)) names.Add(e.Name);
        Assert.Equal([h.Name], names);
    }

    [Fact]
    public async Task ConcurrentSavesListsAndRemovesAllLand()
    {
        await Backend.CreateAsync(default);
        var objects = Enumerable.Range(0, 40).Select(i => Encoding.UTF8.GetBytes($"object {i} " + new string('x', i * 1000))).ToList();
        await Task.WhenAll(objects.Select(o => Backend.SaveAsync(Handle(FileType.Pack, o), o, default)));
        var listed = new List<StorageEntry>();
        await foreach (var e in Backend.ListAsync(FileType.Pack, default)) listed.Add(e);
        Assert.Equal(objects.Select(o => new StorageEntry(Handle(FileType.Pack, o).Name, o.Length)).OrderBy(e => e.Name), listed.OrderBy(e => e.Name));
        var loaded = await Task.WhenAll(objects.Select(o => Backend.LoadAsync(Handle(FileType.Pack, o), default)));
        Assert.Equal(objects, loaded);
        await Task.WhenAll(objects.Take(20).Select(o => Backend.RemoveAsync(Handle(FileType.Pack, o), default)));
        var left = 0;
        await foreach (var _ in Backend.ListAsync(FileType.Pack, default)) left++;
        Assert.Equal(20, left);
    }

    [Fact]
    public async Task ACancelledCallStopsAndLeavesNoObject()
    {
        await Backend.CreateAsync(default);
        var data = new byte[8 << 20];
        Random.Shared.NextBytes(data);
        var h = Handle(FileType.Pack, data);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Backend.SaveAsync(h, data, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Backend.LoadAsync(h, cancelled.Token));
        Assert.Null(await Backend.StatAsync(h, default));
        await Backend.SaveAsync(h, data, default); // the backend still works after cancelled calls
        Assert.Equal(data.Length, await Backend.StatAsync(h, default));
    }

    [Fact]
    public async Task RemovedObjectsAreGone()
    {
        await Backend.CreateAsync(default);
        var data = new byte[] { 42 };
        var h = Handle(FileType.Lock, data);
        await Backend.SaveAsync(h, data, default);
        await Backend.RemoveAsync(h, default);
        Assert.Null(await Backend.StatAsync(h, default));
        Assert.False(File.Exists(Path.Combine(ServedRoot, "locks", h.Name)));
    }
}

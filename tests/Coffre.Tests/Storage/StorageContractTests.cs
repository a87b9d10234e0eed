using System.Text;
using Coffre.Model;
using Coffre.Storage;
using Coffre.Storage.Local;
using Coffre.Storage.Memory;

namespace Coffre.Tests.Storage;

/// <summary>The contract every backend keeps (IStorageBackend): each backend runs the same cases.</summary>
public abstract class StorageContractTests : IDisposable
{
    protected abstract IStorageBackend Backend { get; }
    public virtual void Dispose() => GC.SuppressFinalize(this);

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
    }

    [Fact]
    public async Task MissingObjectsRaiseNotFound()
    {
        await Backend.CreateAsync(default);
        var h = new StorageHandle(FileType.Index, new string('a', 64));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Backend.LoadAsync(h, default));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Backend.RemoveAsync(h, default));
        Assert.Null(await Backend.StatAsync(h, default));
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
        Assert.Equal(0, await Backend.ReadAtAsync(ph, 1000, buf, default));
    }

    [Fact]
    public async Task StagedFilesAreStoredWhole()
    {
        await Backend.CreateAsync(default);
        var data = new byte[100_000];
        Random.Shared.NextBytes(data);
        using var area = new StagingArea(Backend.Properties);
        var staging = Path.Combine(area.Folder, "pack-test-tmp");
        await File.WriteAllBytesAsync(staging, data);
        var h = Handle(FileType.Pack, data);
        await Backend.SaveAsync(h, new StagedFileSource(staging, data.Length), default);
        Assert.Equal(data, await Backend.LoadAsync(h, default));
    }
}

public sealed class MemoryBackendContractTests : StorageContractTests
{
    protected override IStorageBackend Backend { get; } = new MemoryBackend();
}

public sealed class LocalBackendContractTests : StorageContractTests
{
    private readonly string _dir = Directory.CreateTempSubdirectory("coffre-local-").FullName;
    private LocalBackend? _backend;
    protected override IStorageBackend Backend => _backend ??= new LocalBackend(Path.Combine(_dir, "repo"));

    [Fact]
    public async Task ObjectsAreReadOnlyAndTempFilesAreNotListed()
    {
        await Backend.CreateAsync(default);
        var data = new byte[] { 4, 5 };
        var h = Handle2(FileType.Snapshot, data);
        await Backend.SaveAsync(h, data, default);
        var path = ((LocalBackend)Backend).PathOf(h);
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(path));
        await File.WriteAllBytesAsync(path + "-tmp-1234", [1]);
        var names = new List<string>();
        await foreach (var e in Backend.ListAsync(FileType.Snapshot, default)) names.Add(e.Name);
        Assert.Equal([h.Name], names);
    }

    private static StorageHandle Handle2(FileType t, byte[] data) => new(t, BlobId.Hash(data).ToString());

    public override void Dispose()
    {
        base.Dispose();
        foreach (var f in Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.Delete(_dir, recursive: true);
    }
}

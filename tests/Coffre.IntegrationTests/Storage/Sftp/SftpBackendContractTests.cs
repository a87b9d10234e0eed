using System.Text;
using Coffre.Model;
using Coffre.Storage;
using Coffre.Storage.Sftp;

namespace Coffre.IntegrationTests.Storage.Sftp;

/// <summary>
/// The backend contract (the cases of tests/Coffre.Tests/Storage/StorageContractTests.cs) for the SFTP backend against
/// the real OpenSSH server, plus what a remote backend adds: temp files never listed, leftovers removed, concurrency,
/// cancellation, large objects streamed, and what the repository folder looks like on the server.
/// </summary>
public sealed class SftpBackendContractTests : IDisposable
{
    private readonly string _path = SftpTestServer.NewRepositoryPath();
    private SftpBackend? _backend;

    private SftpBackend Backend => _backend ??= SftpBackend.Open(SftpTestServer.Location(_path), SftpTestServer.Environment(), SftpBackend.DefaultTimeout);

    public void Dispose()
    {
        _backend?.Dispose();
        SftpTestServer.Remove(_path);
    }

    private static StorageHandle Handle(FileType t, byte[] data) => new(t, BlobId.Hash(data).ToString());

    [SftpFact]
    public async Task SaveThenLoadGivesTheSameBytes()
    {
        Assert.False(await Backend.ExistsAsync(default));
        await Backend.CreateAsync(default);
        var data = Encoding.UTF8.GetBytes("some snapshot");
        var h = Handle(FileType.Snapshot, data);
        await Backend.SaveAsync(h, data, default);
        Assert.Equal(data, await Backend.LoadAsync(h, default));
        Assert.Equal(data.Length, await Backend.StatAsync(h, default));
        // Where restic expects it, read-only like restic's own objects.
        var onServer = Path.Combine(_path, "snapshots", h.Name);
        Assert.Equal(data, await File.ReadAllBytesAsync(onServer));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(onServer));
        Assert.True(Directory.Exists(Path.Combine(_path, "data", "ff")));
    }

    [SftpFact]
    public async Task MissingObjectsRaiseNotFound()
    {
        await Backend.CreateAsync(default);
        var h = new StorageHandle(FileType.Index, new string('a', 64));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Backend.LoadAsync(h, default));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Backend.RemoveAsync(h, default));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Backend.ReadAtAsync(h, 0, new byte[4], default));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Backend.OpenReadAsync(h, default));
        Assert.Null(await Backend.StatAsync(h, default));
    }

    [SftpFact]
    public async Task ObjectsAreNeverOverwritten()
    {
        await Backend.CreateAsync(default);
        var data = new byte[] { 1, 2, 3 };
        var h = Handle(FileType.Key, data);
        await Backend.SaveAsync(h, data, default);
        await Assert.ThrowsAnyAsync<IOException>(() => Backend.SaveAsync(h, new byte[] { 9 }, default));
        Assert.Equal(data, await Backend.LoadAsync(h, default));
        Assert.Single(Directory.GetFiles(Path.Combine(_path, "keys")));
    }

    [SftpFact]
    public async Task ListReturnsOnlyThatTypeAndRangesRead()
    {
        await Backend.CreateAsync(default);
        var pack = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var ph = Handle(FileType.Pack, pack);
        await Backend.SaveAsync(ph, pack, default);
        var idx = new byte[] { 7 };
        await Backend.SaveAsync(Handle(FileType.Index, idx), idx, default);
        Assert.Equal([new StorageEntry(ph.Name, 1000)], await ListAsync(FileType.Pack));
        var buf = new byte[10];
        Assert.Equal(10, await Backend.ReadAtAsync(ph, 500, buf, default));
        Assert.Equal(pack[500..510], buf);
        Assert.Equal(0, await Backend.ReadAtAsync(ph, 1000, buf, default));
        Assert.Equal(5, await Backend.ReadAtAsync(ph, 995, buf, default));
        Assert.Equal(pack[995..], buf[..5]);
    }

    [SftpFact]
    public async Task StagedFilesAreStoredWholeAndLeftToTheCaller()
    {
        await Backend.CreateAsync(default);
        Assert.Null(Backend.Properties.StagingFolder);
        var data = new byte[100_000];
        Random.Shared.NextBytes(data);
        var staging = Path.Combine(Path.GetTempPath(), $"coffre-sftp-test-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(staging, data);
        try
        {
            var h = Handle(FileType.Pack, data);
            await Backend.SaveAsync(h, new StagedFileSource(staging, data.Length), default);
            Assert.True(File.Exists(staging)); // a remote backend reads a staged file; the writer deletes it
            Assert.Equal(data, await Backend.LoadAsync(h, default));
        }
        finally { File.Delete(staging); }
    }

    [SftpFact]
    public async Task LargeObjectsStreamBothWaysAndRangesCrossChunks()
    {
        await Backend.CreateAsync(default);
        var data = new byte[5 * 1024 * 1024 + 123];
        Random.Shared.NextBytes(data);
        var h = Handle(FileType.Pack, data);
        await Backend.SaveAsync(h, data, default);
        await using (var s = await Backend.OpenReadAsync(h, default))
        {
            using var copy = new MemoryStream();
            await s.CopyToAsync(copy, 7_000);
            Assert.Equal(data, copy.ToArray());
        }
        var range = new byte[200_000];
        Assert.Equal(range.Length, await Backend.ReadAtAsync(h, 1_000_001, range, default));
        Assert.Equal(data.AsSpan(1_000_001, range.Length).ToArray(), range);
        var tail = new byte[100_000];
        Assert.Equal(50_000, await Backend.ReadAtAsync(h, data.Length - 50_000, tail, default));
        Assert.Equal(data.AsSpan(data.Length - 50_000).ToArray(), tail[..50_000]);
    }

    [SftpFact]
    public async Task ConcurrentSavesAndLoadsOverOneConnection()
    {
        await Backend.CreateAsync(default);
        var objects = Enumerable.Range(0, 40).Select(i =>
        {
            var d = new byte[1000 + i * 3000];
            Random.Shared.NextBytes(d);
            return (Handle: Handle(i % 2 == 0 ? FileType.Pack : FileType.Index, d), Data: d);
        }).ToList();
        await Task.WhenAll(objects.Select(o => Task.Run(() => Backend.SaveAsync(o.Handle, o.Data, default))));
        var loaded = await Task.WhenAll(objects.Select(o => Task.Run(() => Backend.LoadAsync(o.Handle, default))));
        for (var i = 0; i < objects.Count; i++) Assert.Equal(objects[i].Data, loaded[i]);
        Assert.Equal(20, (await ListAsync(FileType.Pack)).Count);
        Assert.Equal(20, (await ListAsync(FileType.Index)).Count);
        await Task.WhenAll(objects.Select(o => Task.Run(() => Backend.RemoveAsync(o.Handle, default))));
        Assert.Empty(await ListAsync(FileType.Pack));
    }

    [SftpFact]
    public async Task TempFilesAreNeverListedAndLeftoversGo()
    {
        await Backend.CreateAsync(default);
        var data = new byte[] { 4, 5 };
        var h = Handle(FileType.Snapshot, data);
        await Backend.SaveAsync(h, data, default);
        // What an interrupted save leaves, and things that are not repository objects at all.
        await File.WriteAllBytesAsync(Path.Combine(_path, "snapshots", h.Name + "-tmp-0123abcd"), [1]);
        await File.WriteAllBytesAsync(Path.Combine(_path, "data", "ab", new string('a', 64) + "-tmp-99"), [1]);
        await File.WriteAllBytesAsync(Path.Combine(_path, "snapshots", "notes.txt"), [1]);
        Directory.CreateDirectory(Path.Combine(_path, "snapshots", new string('b', 64)));
        Directory.CreateDirectory(Path.Combine(_path, "data", "zz"));
        await File.WriteAllBytesAsync(Path.Combine(_path, "data", "zz", new string('c', 64)), [1]);
        Assert.Equal([new StorageEntry(h.Name, 2)], await ListAsync(FileType.Snapshot));
        Assert.Empty(await ListAsync(FileType.Pack));
        Assert.Equal(2, await Backend.RemoveLeftoversAsync(default));
        Assert.True(File.Exists(Path.Combine(_path, "snapshots", "notes.txt")));
        Assert.Empty(Directory.GetFiles(_path, "*-tmp-*", SearchOption.AllDirectories));
    }

    [SftpFact]
    public async Task A_cancelled_save_leaves_nothing_and_the_connection_goes_on()
    {
        await Backend.CreateAsync(default);
        var data = new byte[8 * 1024 * 1024];
        Random.Shared.NextBytes(data);
        var h = Handle(FileType.Pack, data);
        using var cts = new CancellationTokenSource();
        var save = Backend.SaveAsync(h, data, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => save);
        Assert.Null(await Backend.StatAsync(h, default));
        Assert.Empty(Directory.GetFiles(_path, "*-tmp-*", SearchOption.AllDirectories));
        var small = new byte[] { 1 };
        await Backend.SaveAsync(Handle(FileType.Lock, small), small, default);
        Assert.Single(await ListAsync(FileType.Lock));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Backend.LoadAsync(Handle(FileType.Lock, small), cancelled.Token));
    }

    [SftpFact]
    public async Task The_repository_is_created_under_missing_parents_and_a_relative_path_is_under_the_login_folder()
    {
        var deep = Path.Combine(_path, "a", "b");
        using (var b = SftpBackend.Open(SftpTestServer.Location(deep), SftpTestServer.Environment(), SftpBackend.DefaultTimeout))
        {
            await b.CreateAsync(default);
            await b.CreateAsync(default); // harmless when it exists
        }
        Assert.True(Directory.Exists(Path.Combine(deep, "data", "00")));

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var relative = $"coffre-sftp-test-{Guid.NewGuid():N}";
        var location = SftpLocation.Parse($"sftp:{SftpTestServer.User}@{SftpTestServer.Host}:{relative}") with { Port = SftpTestServer.Port };
        try
        {
            using var b = SftpBackend.Open(location, SftpTestServer.Environment(), SftpBackend.DefaultTimeout);
            await b.CreateAsync(default);
            Assert.True(Directory.Exists(Path.Combine(home, relative, "keys")));
        }
        finally
        {
            SftpTestServer.Remove(Path.Combine(home, relative));
        }
    }

    private async Task<List<StorageEntry>> ListAsync(FileType t)
    {
        var list = new List<StorageEntry>();
        await foreach (var e in Backend.ListAsync(t, default)) list.Add(e);
        return list;
    }
}

using System.Text;
using Coffre.Model;
using Coffre.Storage;
using Coffre.Storage.Sftp;

namespace Coffre.IntegrationTests.Storage.Sftp;

/// <summary>
/// The shared backend contract (<see cref="RemoteContractTests"/>) for the SFTP backend against the real OpenSSH
/// server, plus what is SFTP's own: objects read-only on the server, temp files never listed, leftovers removed,
/// cancellation midway, large objects streamed in chunks, and the repository folder created under missing parents.
/// </summary>
[ServerNeeded(typeof(SftpFactAttribute))]
public sealed class SftpBackendContractTests : RemoteContractTests
{
    private readonly string _path = SftpTestServer.NewRepositoryPath();

    protected override IStorageBackend OpenEmpty() => SftpBackend.Open(SftpTestServer.Location(_path), SftpTestServer.Environment(), SftpBackend.DefaultTimeout);
    protected override string ServedRoot => _path;

    public override void Dispose()
    {
        base.Dispose();
        SftpTestServer.Remove(_path);
    }

    [SftpFact]
    public async Task ObjectsAreReadOnlyOnTheServerAndARefusedOverwriteLeavesNoTempFile()
    {
        await Backend.CreateAsync(default);
        Assert.True(Directory.Exists(Path.Combine(_path, "data", "ff")));
        var data = Encoding.UTF8.GetBytes("some key");
        var h = Handle(FileType.Key, data);
        await Backend.SaveAsync(h, data, default);
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(Path.Combine(_path, "keys", h.Name)));
        await Assert.ThrowsAnyAsync<IOException>(() => Backend.SaveAsync(h, new byte[] { 9 }, default));
        Assert.Single(Directory.GetFiles(Path.Combine(_path, "keys")));
    }

    [SftpFact]
    public async Task LargeObjectsStreamBothWaysAndRangesCrossChunks()
    {
        await Backend.CreateAsync(default);
        var data = new byte[5 * 1024 * 1024 + 123];
        System.Random.Shared.NextBytes(data);
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
        System.Random.Shared.NextBytes(data);
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

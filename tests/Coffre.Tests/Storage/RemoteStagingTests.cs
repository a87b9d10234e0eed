using Coffre.Archiver;
using Coffre.Model;
using Coffre.Storage;
using Coffre.Storage.Local;
using Coffre.Storage.Memory;
using Repo = Coffre.Repository.Repository;

namespace Coffre.Tests.Storage;

/// <summary>
/// A backend with no local folder (memory stands for every remote one): a backup stages its packs in a private
/// temp folder, streams each once, leaves nothing behind, and the space check says it cannot know and goes on.
/// </summary>
public sealed class RemoteStagingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("coffre-remote-staging-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ABackupToABackendWithUnknownCapacitySaysSoAndStoresEverything()
    {
        var source = Path.Combine(_dir, "source");
        Directory.CreateDirectory(source);
        var content = new byte[3 << 20];
        Random.Shared.NextBytes(content);
        await File.WriteAllBytesAsync(Path.Combine(source, "a.bin"), content);
        var backend = new MemoryBackend();
        var repo = await Repo.InitAsync(backend, "pw"u8.ToArray(), TimeProvider.System, default);
        var notices = new List<string>();

        var result = await new Coffre.Archiver.Archiver(repo, TimeProvider.System).BackupAsync(
            new BackupOptions { Paths = [source] }, new BackupProgress { Notice = notices.Add }, default);

        Assert.Equal("the free space at memory cannot be known: the check is skipped", Assert.Single(notices));
        Assert.True(result.Complete);
        var packs = new List<StorageEntry>();
        await foreach (var p in backend.ListAsync(FileType.Pack, default)) packs.Add(p);
        Assert.NotEmpty(packs);
        Assert.True(packs.Sum(p => p.Size) > content.Length); // random data does not compress
        foreach (var p in packs)
        {
            var bytes = await backend.LoadAsync(new StorageHandle(FileType.Pack, p.Name), default);
            Assert.Equal(p.Name, BlobId.Hash(bytes).ToString()); // streamed whole from its staging file
        }
    }

    [Fact]
    public void ARemoteStagingFolderIsPrivateAndGoesAwayOnDispose()
    {
        string folder;
        using (var area = new StagingArea(BackendProperties.Remote(4)))
        {
            folder = area.Folder;
            Assert.False(area.IsBackendFolder);
            File.WriteAllText(Path.Combine(folder, "pack-x-tmp"), "x");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        }
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task ALocalBackendStagesInItsDataFolderAndStoringIsARename()
    {
        var backend = new LocalBackend(Path.Combine(_dir, "repo"));
        await backend.CreateAsync(default);
        using var area = new StagingArea(backend.Properties);
        Assert.Equal(Path.Combine(backend.Root, "data"), area.Folder);
        var data = new byte[10_000];
        Random.Shared.NextBytes(data);
        var staged = Path.Combine(area.Folder, "pack-0123-tmp");
        await File.WriteAllBytesAsync(staged, data);
        var inode = Coffre.Platform.Posix.Stat(Coffre.Platform.UnixPath.FromString(staged)).Inode;
        var h = new StorageHandle(FileType.Pack, BlobId.Hash(data).ToString());

        await backend.SaveAsync(h, new StagedFileSource(staged, data.Length), default);

        Assert.False(File.Exists(staged));
        Assert.Equal(inode, Coffre.Platform.Posix.Stat(Coffre.Platform.UnixPath.FromString(backend.PathOf(h))).Inode);
    }

    [Fact]
    public async Task ALocalBackendKnowsItsFreeSpaceAndMemoryDoesNot()
    {
        var local = await new LocalBackend(Path.Combine(_dir, "not-yet")).CapacityAsync(default);
        Assert.True(local.AvailableBytes > 0);
        Assert.False((await new MemoryBackend().CapacityAsync(default)).IsKnown);
    }
}

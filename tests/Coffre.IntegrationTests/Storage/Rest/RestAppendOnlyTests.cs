using Coffre.IntegrationTests.Infrastructure;
using Coffre.Model;
using Coffre.Storage;
using Coffre.Storage.Rest;

namespace Coffre.IntegrationTests.Storage.Rest;

/// <summary>
/// A repository behind <c>rclone serve restic --append-only</c> (ransomware protection, docs/storage-rest.md):
/// backups work, forget and prune stop at their first deletion with a message that says why, and nothing is lost.
/// </summary>
public sealed class RestAppendOnlyTests : IDisposable
{
    private readonly TestDirectory _dir = new("rest-append");
    private readonly RcloneRestServer _server = new(appendOnly: true);

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Backups_work_and_forget_and_prune_refuse_with_a_clear_message()
    {
        var source = SampleFiles.Create(_dir.CreateSub("src"), seed: 21);
        using var backend = (RestBackend)RestBackend.Open(RestLocation.Parse(_server.Location()), new Dictionary<string, string?>());
        await EngineOverBackend.InitAsync(backend);
        await EngineOverBackend.BackupAsync(backend, source);
        File.WriteAllText(Path.Combine(source, "more.txt"), "second");
        await EngineOverBackend.BackupAsync(backend, source); // the first backup's lock could be removed: locks may go
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_server.Root, "locks")));

        var forget = await Assert.ThrowsAsync<CoffreException>(() => EngineOverBackend.ForgetAsync(backend, keepLast: 1));
        Assert.StartsWith("the server is append-only: it refuses to delete snapshot/", forget.Message, StringComparison.Ordinal);
        Assert.Equal(2, await EngineOverBackend.SnapshotCountAsync(backend));

        // a pack no index names: prune would delete it
        var stray = new byte[] { 1, 2, 3, 4 };
        var strayHandle = new StorageHandle(FileType.Pack, BlobId.Hash(stray).ToString());
        await backend.SaveAsync(strayHandle, stray, default);
        var prune = await Assert.ThrowsAsync<CoffreException>(() => EngineOverBackend.PruneAsync(backend));
        Assert.StartsWith("the server is append-only: it refuses to delete ", prune.Message, StringComparison.Ordinal);
        Assert.Equal(4, await backend.StatAsync(strayHandle, default));
        await Assert.ThrowsAsync<CoffreException>(() => backend.RemoveAsync(strayHandle, default));

        // nothing was lost, and restic sees the same refusal from this server
        Assert.Equal(2, await EngineOverBackend.SnapshotCountAsync(backend));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_server.Root, "locks")));
        var restic = new ResticRunner(_server.Location());
        Assert.Equal(2, restic.Snapshots().Count);
        var resticForget = restic.Run("forget", "--keep-last", "1");
        Assert.NotEqual(0, resticForget.ExitCode);
    }
}

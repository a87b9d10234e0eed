using System.Text;
using Coffre.Archiver;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Model;
using Coffre.Platform;
using Coffre.Restore;
using Coffre.Storage;
using Coffre.Storage.Memory;
using Repo = Coffre.Repository.Repository;

namespace Coffre.Tests.Archiver;

/// <summary>
/// The backup pipeline end to end inside this process, on a repository held in memory (<see cref="MemoryBackend"/>):
/// the awkward tree (odd names, modes, times to the nanosecond, links, a fifo, multi-chunk files) is backed up
/// through the engine's archiver, restored by the engine's restorer from a freshly opened repository and compared
/// byte for byte, mode, owner, time and hard link; backed up again, it adds nothing (every blob deduplicated).
/// </summary>
public sealed class InMemoryRoundTripTests : IDisposable
{
    private static readonly byte[] Password = Encoding.UTF8.GetBytes("in-memory round trip");
    private readonly TestDirectory _dir = new("roundtrip");
    private readonly MemoryBackend _backend = new();

    public void Dispose() => _dir.Dispose(); // raw Posix calls: names that are not UTF-8 go too

    private string Sub(string name) => _dir.Sub(name);

    private static BackupOptions Options(string path, bool useParent = true) => new()
    {
        Paths = [path],
        Hostname = "memory-host",
        UseParent = useParent,
        CheckFreeSpace = false, // the repository has no disk
    };

    private static async Task<BackupResult> BackUpAsync(Repo repo, BackupOptions options)
    {
        var result = await new Coffre.Archiver.Archiver(repo, TimeProvider.System).BackupAsync(options, new BackupProgress(), CancellationToken.None);
        Assert.True(result.Complete, string.Join("\n", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        return result;
    }

    /// <summary>Opens the repository anew (keys, index) and restores one snapshot under <paramref name="target"/>.</summary>
    private async Task<RestoreResult> RestoreAsync(BlobId snapshot, string target)
    {
        var repo = await Repo.OpenAsync(_backend, Password, CancellationToken.None);
        await repo.LoadIndexAsync(CancellationToken.None);
        var entry = await repo.LoadSnapshotAsync(snapshot.ToString(), CancellationToken.None);
        var result = await new Restorer(repo).RestoreAsync(entry.Snapshot, new RestoreOptions { Target = target }, new RestoreProgress(), CancellationToken.None);
        Assert.Empty(result.Failures);
        return result;
    }

    private async Task<int> CountAsync(FileType type)
    {
        var n = 0;
        await foreach (var _ in _backend.ListAsync(type, CancellationToken.None)) n++;
        return n;
    }

    [Fact]
    public async Task A_tree_backed_up_in_memory_restores_exactly_and_a_second_backup_adds_nothing()
    {
        var tree = TreeGenerator.CreateAwkward(UnixPath.FromString(Sub("src")),
            new TreeOptions { BigFileSize = (3 << 20) + 4097, CompressibleSize = 1 << 20 });
        var repo = await Repo.InitAsync(_backend, Password, TimeProvider.System, CancellationToken.None);
        await repo.LoadIndexAsync(CancellationToken.None);

        var first = await BackUpAsync(repo, Options(tree.RootText));
        Assert.Null(first.ParentId);
        Assert.Equal((ulong)tree.RegularFiles.Count, first.Summary.FilesNew);
        Assert.True(first.Summary.DataBlobs > 3, $"{first.Summary.DataBlobs} data blobs: the big file alone spans several chunks");
        Assert.Equal([tree.RootText], first.Snapshot.Paths);
        Assert.Equal(1, await CountAsync(FileType.Snapshot));

        await RestoreAsync(first.SnapshotId, Sub("restore-1"));
        // The snapshot keeps the absolute path: the tree comes back below the target under the same path.
        TreeComparer.AssertEqual(tree.Root, UnixPath.FromString(Sub("restore-1") + tree.RootText));

        // Read again in full (no parent): every chunk is already there. Only trees may be new: reading a file can
        // move its access time (relatime), which a tree node records, as restic's does.
        var again = await BackUpAsync(repo, Options(tree.RootText, useParent: false));
        Assert.Null(again.ParentId);
        Assert.Equal(0ul, again.Summary.DataBlobs);
        Assert.Equal((ulong)tree.RegularFiles.Count, again.Summary.FilesNew);
        Assert.True(again.Summary.DataAdded * 50 < first.Summary.DataAdded,
            $"the second backup added {again.Summary.DataAdded} bytes (trees only), the first {first.Summary.DataAdded}");

        // A copy of a big file under a new name: new tree, no new data; the parent spares reading the others.
        File.Copy(UnixPath.ToDisplay(tree.Path("big.bin")), UnixPath.ToDisplay(tree.Path("copy of big.bin")));
        var third = await BackUpAsync(repo, Options(tree.RootText));
        Assert.NotNull(third.ParentId);
        Assert.Equal(1ul, third.Summary.FilesNew);
        Assert.Equal((ulong)tree.RegularFiles.Count, third.Summary.FilesUnmodified);
        Assert.Equal(0ul, third.Summary.DataBlobs);
        Assert.True(third.Summary.TreeBlobs >= 1, "the root folder changed");
        Assert.Equal(3, await CountAsync(FileType.Snapshot));

        await RestoreAsync(third.SnapshotId, Sub("restore-3"));
        TreeComparer.AssertEqual(tree.Root, UnixPath.FromString(Sub("restore-3") + tree.RootText));
    }
}

using System.Security.Cryptography;
using System.Text;
using Coffre.Maintenance.Copy;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository;
using Coffre.Storage;
using Coffre.Storage.Memory;
using Repo = Coffre.Repository.Repository;

namespace Coffre.Tests.Maintenance.Copy;

/// <summary>The copier on memory repositories: what travels, what is skipped, what is refused and why.</summary>
public sealed class SnapshotCopierTests
{
    private static async Task<Repo> NewRepoAsync(string password, Coffre.Chunking.Polynomial? polynomial = null)
    {
        var backend = new MemoryBackend();
        return await Repo.InitAsync(backend, Encoding.UTF8.GetBytes(password), null, polynomial, TimeProvider.System, default);
    }

    /// <summary>A snapshot of one folder holding one file per content given (each one blob).</summary>
    private static async Task<BlobId> SnapshotAsync(Repo repo, string path, params byte[][] contents)
    {
        await using var writer = new RepositoryWriter(repo);
        var nodes = new List<Node>();
        for (var i = 0; i < contents.Length; i++)
        {
            var id = BlobId.Hash(contents[i]);
            await writer.SaveBlobAsync(BlobType.Data, id, contents[i], compress: true, default);
            nodes.Add(new Node { Name = Encoding.UTF8.GetBytes($"f{i}"), Type = NodeType.File, Mode = 0x1A4, Size = (ulong)contents[i].Length, Content = [id] });
        }
        var tree = TreeJson.Serialize(nodes);
        var treeId = BlobId.Hash(tree);
        await writer.SaveBlobAsync(BlobType.Tree, treeId, tree, compress: true, default);
        await writer.FlushAsync(default);
        var snapshot = new Snapshot { Time = GoTime.Now(), Tree = treeId, Paths = [path], Hostname = "h", Username = "u" };
        return await repo.SaveJsonAsync(FileType.Snapshot, SnapshotJson.Serialize(snapshot), default);
    }

    private static async Task<CopyResult> CopyAsync(Repo source, Repo destination, params string[] ids)
    {
        var messages = new List<string>();
        return await RepositoryCopy.RunAsync(source, destination, ids, SnapshotFilter.All, TimeProvider.System, messages.Add, default);
    }

    [Fact]
    public async Task Only_missing_blobs_travel_and_a_second_run_copies_nothing()
    {
        var source = await NewRepoAsync("source");
        var destination = await NewRepoAsync("destination", source.Polynomial);
        var shared = RandomNumberGenerator.GetBytes(100_000);
        var first = await SnapshotAsync(source, "/a", shared, RandomNumberGenerator.GetBytes(1000));
        var second = await SnapshotAsync(source, "/b", shared);

        var result = await CopyAsync(source, destination);

        Assert.Equal([first, second], result.Copied.Select(c => c.Source));
        Assert.Equal(4, result.BlobsCopied); // two data blobs, two trees: the shared blob once
        var copy = await destination.LoadSnapshotAsync(result.Copied[0].Copy.ToString(), default);
        Assert.Equal(first, copy.Snapshot.Original);
        Assert.Null(copy.Snapshot.Parent);

        var again = await CopyAsync(source, destination);
        Assert.Empty(again.Copied);
        Assert.Equal(0, again.BlobsCopied);
        Assert.Equal([first, second], again.AlreadyThere.Select(a => a.Source));
    }

    [Fact]
    public async Task A_copy_of_a_copy_keeps_the_first_original_and_is_recognised()
    {
        var source = await NewRepoAsync("source");
        var middle = await NewRepoAsync("middle", source.Polynomial);
        var last = await NewRepoAsync("last", source.Polynomial);
        var first = await SnapshotAsync(source, "/a", RandomNumberGenerator.GetBytes(5000));
        await CopyAsync(source, middle);

        var result = await CopyAsync(middle, last);
        var copy = await last.LoadSnapshotAsync(Assert.Single(result.Copied).Copy.ToString(), default);
        Assert.Equal(first, copy.Snapshot.Original);

        Assert.Single((await CopyAsync(source, last)).AlreadyThere);
    }

    [Fact]
    public async Task A_snapshot_whose_data_is_missing_is_refused_by_name_and_the_others_copied()
    {
        var source = await NewRepoAsync("source");
        var destination = await NewRepoAsync("destination");
        var lost = await SnapshotAsync(source, "/lost", RandomNumberGenerator.GetBytes(3000));
        var kept = await SnapshotAsync(source, "/kept", RandomNumberGenerator.GetBytes(3000));
        // The pack holding the lost snapshot's data disappears (index still names it).
        await source.LoadIndexAsync(default);
        var lostSnapshot = await source.LoadSnapshotAsync(lost.ToString(), default);
        var lostTree = await source.LoadTreeAsync(lostSnapshot.Snapshot.Tree, default);
        Assert.True(source.Index.TryGetEntry(lostTree[0].Content![0], out var pack, out _));
        await source.Backend.RemoveAsync(new StorageHandle(FileType.Pack, pack.ToString()), default);
        var reopened = await Repo.OpenAsync(source.Backend, "source"u8.ToArray(), default);

        var result = await CopyAsync(reopened, destination);

        var refused = Assert.Single(result.Refused);
        Assert.Equal(lost.ToString(), refused.Source);
        Assert.Contains("cannot be read from the source", refused.Reason, StringComparison.Ordinal);
        Assert.Equal([kept], result.Copied.Select(c => c.Source));
        Assert.Single(await destination.LoadSnapshotsAsync(default));
    }

    [Fact]
    public async Task Snapshot_ids_and_latest_choose_what_is_copied()
    {
        var source = await NewRepoAsync("source");
        var destination = await NewRepoAsync("destination");
        var a = await SnapshotAsync(source, "/a", [1]);
        var b = await SnapshotAsync(source, "/b", [2]);

        Assert.Equal([b], (await CopyAsync(source, destination, "latest")).Copied.Select(c => c.Source));
        Assert.Equal([a], (await CopyAsync(source, destination, a.ToString()[..10], "latest")).Copied.Select(c => c.Source));
        await Assert.ThrowsAsync<CoffreException>(() => CopyAsync(source, destination, "ffffffffffff"));
    }

    [Fact]
    public async Task Init_refuses_a_reducible_polynomial_to_copy()
    {
        var e = await Assert.ThrowsAsync<CoffreException>(() => NewRepoAsync("x", new Coffre.Chunking.Polynomial(0x3DA3358B4DC172)));
        Assert.Contains("not irreducible", e.Message, StringComparison.Ordinal);
    }
}

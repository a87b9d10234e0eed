using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Maintenance;
using Coffre.Storage;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// A check and a backup both hold shared locks, so a backup may finish while a check runs. Its snapshot must not
/// make the check report damage: found by the concurrency campaign, where a backup saved its index and snapshot
/// after the check had read the index and before it listed the snapshots ("not in the index").
/// </summary>
public sealed class CheckBesideBackupTests : IDisposable
{
    private readonly TestDirectory _dir = new("check-beside-backup");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_backup_that_completes_while_check_runs_is_not_reported_as_damage()
    {
        var repoPath = _dir.Sub("repo");
        var coffre = new CoffreRunner(repoPath);
        coffre.Init();
        var source = _dir.CreateSub("src");
        File.WriteAllBytes(Path.Combine(source, "first.bin"), RandomBytes(400_000, 1));
        coffre.Backup(source);

        // When the check lists the packs (after it read the index), a real backup runs to completion.
        var backedUp = 0;
        var backend = new OnListBackend(new LocalBackend(repoPath), FileType.Pack, () =>
        {
            if (Interlocked.Exchange(ref backedUp, 1) != 0) return;
            File.WriteAllBytes(Path.Combine(source, "second.bin"), RandomBytes(400_000, 2));
            coffre.Backup(source);
        });
        var repo = await Coffre.Repository.Repository.OpenAsync(backend, Encoding.UTF8.GetBytes(TestPasswords.Default), CancellationToken.None);
        var report = await new Checker(repo).CheckAsync(new CheckOptions(), CancellationToken.None);

        Assert.Equal(1, backedUp);
        Assert.True(report.Ok, string.Join("\n", report.Errors));
        Assert.Equal(1, report.Snapshots);
        Assert.Equal(2, coffre.Snapshots().Count);
        Assert.Equal(0, coffre.Run("check", "--read-data").ExitCode);
    }

    [Fact]
    public async Task A_reader_that_loaded_the_index_before_a_backup_finished_still_finds_the_new_snapshots_data()
    {
        var repoPath = _dir.Sub("repo");
        var coffre = new CoffreRunner(repoPath);
        coffre.Init();
        var source = _dir.CreateSub("src");
        File.WriteAllBytes(Path.Combine(source, "first.bin"), RandomBytes(400_000, 1));
        coffre.Backup(source);
        var repo = await Coffre.Repository.Repository.OpenAsync(new LocalBackend(repoPath), Encoding.UTF8.GetBytes(TestPasswords.Default), CancellationToken.None);
        await repo.LoadIndexAsync(CancellationToken.None);

        // A backup finishes after this reader (a restore or a drill of "latest") read the index.
        File.WriteAllBytes(Path.Combine(source, "second.bin"), RandomBytes(400_000, 2));
        var second = coffre.Backup(source);

        var latest = await repo.FindSnapshotAsync("latest", CancellationToken.None);
        Assert.StartsWith(second.SnapshotId[..8], latest.Id.ToString(), StringComparison.Ordinal);
        Assert.True(repo.Index.IsIndexed(latest.Snapshot.Tree));
        var listed = await repo.LoadSnapshotsAsync(CancellationToken.None);
        Assert.All(listed, s => Assert.True(repo.Index.IsIndexed(s.Snapshot.Tree)));
        var nodes = await repo.LoadTreeAsync(latest.Snapshot.Tree, CancellationToken.None);
        Assert.NotEmpty(nodes);
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Runs an action each time one kind of object is listed, before the listing starts.</summary>
    private sealed class OnListBackend(IStorageBackend inner, FileType type, Action onList) : IStorageBackend
    {
        public string Location => inner.Location;
        public BackendProperties Properties => inner.Properties;
        public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => inner.CapacityAsync(ct);
        public Task<bool> ExistsAsync(CancellationToken ct) => inner.ExistsAsync(ct);
        public Task CreateAsync(CancellationToken ct) => inner.CreateAsync(ct);
        public Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct) => inner.SaveAsync(handle, source, ct);
        public Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct) => inner.LoadAsync(handle, ct);
        public Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct) => inner.ReadAtAsync(handle, offset, buffer, ct);
        public Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct) => inner.OpenReadAsync(handle, ct);
        public Task<long?> StatAsync(StorageHandle handle, CancellationToken ct) => inner.StatAsync(handle, ct);
        public Task RemoveAsync(StorageHandle handle, CancellationToken ct) => inner.RemoveAsync(handle, ct);
        public Task<int> RemoveLeftoversAsync(CancellationToken ct) => inner.RemoveLeftoversAsync(ct);

        public IAsyncEnumerable<StorageEntry> ListAsync(FileType listed, CancellationToken ct)
        {
            if (listed == type) onList();
            return inner.ListAsync(listed, ct);
        }
    }
}

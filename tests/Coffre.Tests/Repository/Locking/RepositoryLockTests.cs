using Coffre.Model;
using Coffre.Platform;
using Coffre.Repository.Locking;
using Coffre.Storage;
using Coffre.Storage.Memory;
using Coffre.Tests.Scheduling;
using Repo = Coffre.Repository.Repository;

namespace Coffre.Tests.Repository.Locking;

/// <summary>
/// A held lock that someone removes, or that storage no longer lets refresh, is lost: the holder is told (and must
/// stop without committing). Staleness follows restic 0.14's rule exactly.
/// </summary>
public class RepositoryLockTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_lock_whose_file_someone_removed_is_lost_at_the_next_refresh()
    {
        var (backend, _, clock, held) = await HeldAsync(new MemoryBackend());
        var file = Assert.Single(await Locks(backend));
        await backend.RemoveAsync(new StorageHandle(FileType.Lock, file), default);
        Assert.False(held.IsLost);

        clock.AdvanceTo(Start + TimeSpan.FromMinutes(6));
        await WaitAsync(() => held.IsLost);
        Assert.True(held.Lost.IsCancellationRequested);
        var e = Assert.Throws<CoffreException>(held.ThrowIfLost);
        Assert.Contains("removed by someone else", e.Message, StringComparison.Ordinal);
        await held.DisposeAsync();
    }

    [Fact]
    public async Task A_lock_storage_fails_to_refresh_is_lost_before_it_could_turn_stale()
    {
        var failing = new FailingSaves(new MemoryBackend());
        var (_, _, clock, held) = await HeldAsync(failing);
        failing.Fail = true;
        // Refresh attempts fail from minute 5 on, retried every 30 s; still held until the deadline (22.5 min).
        for (var m = 5.0; m < 22; m += 0.5)
        {
            clock.AdvanceTo(Start + TimeSpan.FromMinutes(m));
            await Task.Delay(20);
        }
        Assert.False(held.IsLost);
        for (var m = 22.0; m <= 24 && !held.IsLost; m += 0.5)
        {
            clock.AdvanceTo(Start + TimeSpan.FromMinutes(m));
            await WaitAsync(() => held.IsLost, TimeSpan.FromMilliseconds(200), throwOnTimeout: false);
        }
        Assert.True(held.IsLost);
        Assert.True(RepositoryLock.RefreshDeadline < RepositoryLock.StaleAfter);
        var e = Assert.Throws<CoffreException>(held.ThrowIfLost);
        Assert.Contains("failed to refresh the lock in time", e.Message, StringComparison.Ordinal);
        failing.Fail = false;
        await held.DisposeAsync();
    }

    [Fact]
    public async Task A_lock_refreshed_normally_stays_held()
    {
        var (backend, _, clock, held) = await HeldAsync(new MemoryBackend());
        for (var m = 5; m <= 60; m += 5)
        {
            clock.AdvanceTo(Start + TimeSpan.FromMinutes(m));
            await WaitAsync(async () => (await Locks(backend)).Count == 1);
        }
        Assert.False(held.IsLost);
        await held.DisposeAsync();
        Assert.Empty(await Locks(backend));
    }

    [Fact]
    public void Stale_only_as_restic_0_14_says()
    {
        var clock = new ManualClock(Start, TimeZoneInfo.Utc);
        var host = Posix.GetHostName();
        LockInfo Info(TimeSpan age, string hostname, int pid) =>
            new(GoTime.FromDateTimeOffset(Start - age), false, hostname, "u", pid, 0, 0);
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();

        Assert.True(RepositoryLock.IsStale(Info(TimeSpan.FromMinutes(31), "elsewhere", Environment.ProcessId), clock));
        Assert.False(RepositoryLock.IsStale(Info(TimeSpan.FromMinutes(29), "elsewhere", gone.Id), clock)); // another host: never by process
        Assert.True(RepositoryLock.IsStale(Info(TimeSpan.FromMinutes(1), host, gone.Id), clock));
        Assert.False(RepositoryLock.IsStale(Info(TimeSpan.FromMinutes(1), host, Environment.ProcessId), clock));
        Assert.False(RepositoryLock.IsStale(Info(TimeSpan.FromMinutes(-60), "elsewhere", 1), clock)); // from the future
    }

    private static async Task<(IStorageBackend Backend, Repo Repo, ManualClock Clock, RepositoryLock Held)> HeldAsync(IStorageBackend backend)
    {
        var repo = await Repo.InitAsync(backend, "pw"u8.ToArray(), TimeProvider.System, default);
        var clock = new ManualClock(Start, TimeZoneInfo.Utc);
        var acquiring = RepositoryLock.AcquireAsync(repo, exclusive: false, clock, default);
        while (!acquiring.IsCompleted)
        {
            clock.AdvanceTo(clock.GetUtcNow() + TimeSpan.FromMilliseconds(200));
            await Task.Delay(10);
        }
        clock.AdvanceTo(Start);
        return (backend, repo, clock, await acquiring);
    }

    private static async Task<List<string>> Locks(IStorageBackend backend)
    {
        var list = new List<string>();
        await foreach (var e in backend.ListAsync(FileType.Lock, default)) list.Add(e.Name);
        return list;
    }

    private static Task WaitAsync(Func<bool> condition) => WaitAsync(() => Task.FromResult(condition()));

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in 10 s");
            await Task.Delay(10);
        }
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, bool throwOnTimeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(!throwOnTimeout || condition());
    }

    /// <summary>Saves fail while <see cref="Fail"/> is set (a storage outage); everything else passes through.</summary>
    private sealed class FailingSaves(IStorageBackend inner) : IStorageBackend
    {
        public volatile bool Fail;
        public string Location => inner.Location;
        public BackendProperties Properties => inner.Properties;
        public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => inner.CapacityAsync(ct);
        public Task<bool> ExistsAsync(CancellationToken ct) => inner.ExistsAsync(ct);
        public Task CreateAsync(CancellationToken ct) => inner.CreateAsync(ct);
        // Small objects (locks) fail; packs, which a lock test never writes, pass.
        public Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct) =>
            Fail && source is BytesSource ? throw new IOException("storage unavailable") : inner.SaveAsync(handle, source, ct);
        public Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct) => inner.LoadAsync(handle, ct);
        public Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct) => inner.ReadAtAsync(handle, offset, buffer, ct);
        public Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct) => inner.OpenReadAsync(handle, ct);
        public Task<long?> StatAsync(StorageHandle handle, CancellationToken ct) => inner.StatAsync(handle, ct);
        public IAsyncEnumerable<StorageEntry> ListAsync(FileType type, CancellationToken ct) => inner.ListAsync(type, ct);
        public Task RemoveAsync(StorageHandle handle, CancellationToken ct) => inner.RemoveAsync(handle, ct);
        public Task<int> RemoveLeftoversAsync(CancellationToken ct) => inner.RemoveLeftoversAsync(ct);
    }
}

using Coffre.Model;
using Coffre.Storage;

namespace Coffre.IntegrationTests.Storage;

/// <summary>
/// The contract every backend keeps (<see cref="IStorageBackend"/>), as one suite: a backend runs it by deriving a
/// small class that says how to open a fresh, empty repository location (<see cref="OpenEmpty"/>) and how to clean up.
/// xUnit makes a new instance per test, so each test gets its own location. A backend that needs a server marks
/// its class with <see cref="ServerNeededAttribute"/> (skipped without it outside CI, failed in CI), and keeps only
/// the cases that are its own.
/// </summary>
public abstract class StorageContractTests : IDisposable
{
    private IStorageBackend? _backend;

    /// <summary>A backend over a fresh location nobody else uses (the suite calls CreateAsync itself).</summary>
    protected abstract IStorageBackend OpenEmpty();

    protected IStorageBackend Backend => _backend ??= OpenEmpty();

    /// <summary>
    /// The server writes an upload in place as its body arrives (rclone serve restic on a local remote): an upload that
    /// breaks off may stay visible, shorter than announced, until the server notices (restic's rclone and REST
    /// backends see the same). Such a leftover is never whole, so it is never taken for the object.
    /// </summary>
    protected virtual bool ServerWritesInPlace => false;

    /// <summary>After a save that broke off: nothing there, or (<see cref="ServerWritesInPlace"/>) only a part.</summary>
    private async Task<bool> NothingWholeAsync(StorageHandle h, int length)
    {
        var left = await Backend.StatAsync(h, default);
        if (!ServerWritesInPlace)
        {
            Assert.Null(left);
            Assert.Empty(await ListAsync(h.Type));
        }
        else Assert.True(left is null || left < length, $"a broken-off upload left {left} bytes of {length}: it must never look whole");
        return left is null;
    }

    public virtual void Dispose()
    {
        _backend?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    protected static StorageHandle Handle(FileType t, byte[] data) => new(t, BlobId.Hash(data).ToString());

    protected static byte[] Random(int length, int seed)
    {
        var b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }

    private async Task<List<StorageEntry>> ListAsync(FileType type)
    {
        var list = new List<StorageEntry>();
        await foreach (var e in Backend.ListAsync(type, default)) list.Add(e);
        return list;
    }

    [ContractFact]
    public async Task SaveThenLoadGivesTheSameBytes()
    {
        await Backend.CreateAsync(default);
        var data = "some snapshot"u8.ToArray();
        var h = Handle(FileType.Snapshot, data);
        await Backend.SaveAsync(h, data, default);
        Assert.Equal(data, await Backend.LoadAsync(h, default));
        Assert.Equal(data.Length, await Backend.StatAsync(h, default));
    }

    [ContractFact]
    public async Task TheConfigMakesTheRepositoryExist()
    {
        await Backend.CreateAsync(default);
        Assert.False(await Backend.ExistsAsync(default));
        await Backend.SaveAsync(StorageHandle.Config, "cfg"u8.ToArray(), default);
        Assert.True(await Backend.ExistsAsync(default));
        Assert.Equal([new StorageEntry("config", 3)], await ListAsync(FileType.Config));
        await Backend.CreateAsync(default); // harmless when it exists
        Assert.Equal("cfg"u8.ToArray(), await Backend.LoadAsync(StorageHandle.Config, default));
    }

    [ContractFact]
    public async Task AStreamedSourceIsStoredWholeAndMayBeReadAgain()
    {
        await Backend.CreateAsync(default);
        var data = Random(3 << 20, 1);
        var file = Path.Combine(Path.GetTempPath(), $"coffre-contract-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(file, data);
        try
        {
            var h = Handle(FileType.Pack, data);
            await Backend.SaveAsync(h, new StagedFileSource(file, data.Length), default);
            Assert.True(File.Exists(file)); // outside the backend's own staging folder: read, never taken; the caller deletes it
            Assert.Equal(data.Length, await Backend.StatAsync(h, default));
            await using var s = await Backend.OpenReadAsync(h, default);
            var back = new MemoryStream();
            await s.CopyToAsync(back);
            Assert.Equal(data, back.ToArray());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [ContractFact]
    public async Task MissingObjectsRaiseNotFound()
    {
        await Backend.CreateAsync(default);
        var h = new StorageHandle(FileType.Index, new string('a', 64));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Backend.LoadAsync(h, default));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Backend.RemoveAsync(h, default));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Backend.ReadAtAsync(h, 0, new byte[4], default));
        await Assert.ThrowsAsync<StorageNotFoundException>(async () => { await using var s = await Backend.OpenReadAsync(h, default); s.ReadByte(); });
        Assert.Null(await Backend.StatAsync(h, default));
    }

    [ContractFact]
    public async Task ObjectsAreNeverOverwrittenByAnotherContent()
    {
        await Backend.CreateAsync(default);
        var data = new byte[] { 1, 2, 3 };
        var h = Handle(FileType.Key, data);
        await Backend.SaveAsync(h, data, default);
        if (Backend.Properties.AtomicReplace)
        {
            // An object store replaces in one step: either content, whole, never a mix.
            try { await Backend.SaveAsync(h, new byte[] { 9 }, default); } catch (IOException) { }
            var now = await Backend.LoadAsync(h, default);
            Assert.True(now.SequenceEqual(data) || now.SequenceEqual(new byte[] { 9 }));
            return;
        }
        await Assert.ThrowsAnyAsync<IOException>(() => Backend.SaveAsync(h, new byte[] { 9 }, default));
        Assert.Equal(data, await Backend.LoadAsync(h, default));
    }

    [ContractFact]
    public async Task ListReturnsOnlyThatTypeAndRangesRead()
    {
        await Backend.CreateAsync(default);
        var pack = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var ph = Handle(FileType.Pack, pack);
        await Backend.SaveAsync(ph, pack, default);
        var idx = new byte[] { 7 };
        await Backend.SaveAsync(Handle(FileType.Index, idx), idx, default);
        Assert.Equal([new StorageEntry(ph.Name, 1000)], await ListAsync(FileType.Pack));
        Assert.Empty(await ListAsync(FileType.Snapshot));
        var buf = new byte[10];
        Assert.Equal(10, await Backend.ReadAtAsync(ph, 500, buf, default));
        Assert.Equal(pack[500..510], buf);
        Assert.Equal(0, await Backend.ReadAtAsync(ph, 1000, buf, default));
        Assert.Equal(5, await Backend.ReadAtAsync(ph, 995, buf, default));
    }

    [ContractFact]
    public async Task RemovedObjectsAreGone()
    {
        await Backend.CreateAsync(default);
        var data = Random(100, 2);
        var h = Handle(FileType.Lock, data);
        await Backend.SaveAsync(h, data, default);
        await Backend.RemoveAsync(h, default);
        Assert.Null(await Backend.StatAsync(h, default));
        Assert.Empty(await ListAsync(FileType.Lock));
    }

    [ContractFact]
    public async Task ASaveWhoseSourceFailsLeavesNothingVisible()
    {
        await Backend.CreateAsync(default);
        var data = Random(2 << 20, 3);
        var h = Handle(FileType.Pack, data);
        await Assert.ThrowsAnyAsync<IOException>(() => Backend.SaveAsync(h, new FailingSource(data, failAfter: 1 << 20), default));
        if (!await NothingWholeAsync(h, data.Length)) return; // a part still there (ServerWritesInPlace): its name is not free yet
        await Backend.SaveAsync(h, data, default); // and the name is free for a retry
        Assert.Equal(data, await Backend.LoadAsync(h, default));
    }

    [ContractFact]
    public async Task ACancelledSaveLeavesNothingVisible()
    {
        await Backend.CreateAsync(default);
        var data = Random(2 << 20, 4);
        var h = Handle(FileType.Pack, data);
        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Backend.SaveAsync(h, new CancellingSource(data, cts), cts.Token));
        await NothingWholeAsync(h, data.Length);
    }

    [ContractFact]
    public async Task CancelledCallsStop()
    {
        await Backend.CreateAsync(default);
        var data = Random(10, 5);
        var h = Handle(FileType.Snapshot, data);
        await Backend.SaveAsync(h, data, default);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Backend.SaveAsync(Handle(FileType.Snapshot, [1]), new CancellingSource([1], cts), cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => { await foreach (var _ in Backend.ListAsync(FileType.Snapshot, cts.Token)) { } });
    }

    [ContractFact]
    public async Task ASourceShorterOrLongerThanAnnouncedIsRefused()
    {
        await Backend.CreateAsync(default);
        var data = Random(50_000, 6);
        var h = Handle(FileType.Pack, data);
        await Assert.ThrowsAnyAsync<IOException>(() => Backend.SaveAsync(h, new AnnouncedSource(data, data.Length + 1), default));
        await Assert.ThrowsAnyAsync<IOException>(() => Backend.SaveAsync(h, new AnnouncedSource(data, data.Length - 1), default));
        await NothingWholeAsync(h, data.Length + 1); // in place, at most the bytes that were sent (never more)
    }

    [ContractFact]
    public async Task ConcurrentSavesAndLoadsAllLand()
    {
        await Backend.CreateAsync(default);
        var objects = Enumerable.Range(0, 40).Select(i => Random(10_000 + i, 100 + i)).ToList();
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (o, ct) => await Backend.SaveAsync(Handle(FileType.Pack, o), o, ct));
        var listed = await ListAsync(FileType.Pack);
        Assert.Equal(objects.Select(o => Handle(FileType.Pack, o).Name).Order(), listed.Select(e => e.Name).Order());
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (o, ct) => Assert.Equal(o, await Backend.LoadAsync(Handle(FileType.Pack, o), ct)));
    }

    [ContractFact]
    public async Task TwoSavesOfOneNameRacingLeaveOneWholeObject()
    {
        await Backend.CreateAsync(default);
        var data = Random(1 << 20, 7);
        var h = Handle(FileType.Pack, data);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            try { await Backend.SaveAsync(h, data, default); return true; }
            catch (IOException) { return false; }
        })));
        Assert.Contains(true, results);
        Assert.Equal(data, await Backend.LoadAsync(h, default));
    }

    [ContractFact]
    public async Task TransientFaultsAreRetriedThroughTheOpenersDecorators()
    {
        await Backend.CreateAsync(default);
        var clock = new ManualClock();
        var faults = new FaultInjectingBackend(Backend);
        var backend = BackendOpener.Decorate(faults, clock.Options());
        var data = Random(5000, 8);
        var h = Handle(FileType.Pack, data);

        faults.Fail(StorageCall.Save, 3);
        await backend.SaveAsync(h, data, default);
        faults.Fail(StorageCall.Load, 2).Fail(StorageCall.Stat, 1).Fail(StorageCall.List, 2);
        Assert.Equal(data, await backend.LoadAsync(h, default));
        Assert.Equal(data.Length, await backend.StatAsync(h, default));
        var names = new List<string>();
        await foreach (var e in backend.ListAsync(FileType.Pack, default)) names.Add(e.Name);

        Assert.Equal([h.Name], names);
        Assert.Equal(8, faults.Injected);
        Assert.Equal(8, clock.Waits.Count);
    }

    [ContractFact]
    public async Task ASaveWhoseReplyWasLostCountsAsStoredOnRetry()
    {
        await Backend.CreateAsync(default);
        var clock = new ManualClock();
        var faults = new FaultInjectingBackend(Backend).Fail(StorageCall.Save, 1, afterCall: true);
        var backend = BackendOpener.Decorate(faults, clock.Options());
        var data = Random(5000, 9);
        var h = Handle(FileType.Pack, data);

        await backend.SaveAsync(h, data, default);

        Assert.Equal(1, faults.Injected);
        Assert.Equal(data, await Backend.LoadAsync(h, default));
        faults.Fail(StorageCall.Remove, 1, afterCall: true);
        await backend.RemoveAsync(h, default); // removed, reply lost, retry finds nothing: removed
        Assert.Null(await Backend.StatAsync(h, default));
    }

    [ContractFact]
    public async Task RetriesStopWhenTheBudgetIsSpentWithAClearError()
    {
        await Backend.CreateAsync(default);
        var clock = new ManualClock();
        var faults = new FaultInjectingBackend(Backend).Fail(StorageCall.Load, int.MaxValue);
        var backend = BackendOpener.Decorate(faults, clock.Options());
        var h = new StorageHandle(FileType.Index, new string('b', 64));

        var e = await Assert.ThrowsAsync<IOException>(() => backend.LoadAsync(h, default));

        Assert.IsType<TransientStorageException>(e.InnerException);
        Assert.Contains("run the command again", e.Message, StringComparison.Ordinal);
        var waited = clock.Waits.Aggregate(TimeSpan.Zero, (a, b) => a + b);
        Assert.InRange(waited, TimeSpan.FromMinutes(13), TimeSpan.FromMinutes(15));
        Assert.True(clock.Waits.Max() <= TimeSpan.FromSeconds(90));
    }

    [ContractFact]
    public async Task PermanentErrorsAndNotFoundAreNotRetried()
    {
        await Backend.CreateAsync(default);
        var clock = new ManualClock();
        var backend = BackendOpener.Decorate(Backend, clock.Options());
        await Assert.ThrowsAsync<StorageNotFoundException>(() => backend.LoadAsync(new StorageHandle(FileType.Index, new string('c', 64)), default));
        Assert.Empty(clock.Waits);
    }

    [ContractFact]
    public async Task TheConnectionLimitHoldsUnderLoad()
    {
        await Backend.CreateAsync(default);
        var counting = new CountingBackend(Backend);
        var backend = new ConnectionLimitingBackend(counting, 3);
        var objects = Enumerable.Range(0, 30).Select(i => Random(20_000, 200 + i)).ToList();
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 12 },
            async (o, ct) => await backend.SaveAsync(Handle(FileType.Pack, o), new SlowSource(o), ct));
        Assert.InRange(counting.MaxInFlight, 1, 3);
        var streams = new List<Stream>();
        for (var i = 0; i < 3; i++) streams.Add(await backend.OpenReadAsync(Handle(FileType.Pack, objects[i]), default));
        var fourth = backend.OpenReadAsync(Handle(FileType.Pack, objects[3]), default);
        await Task.Delay(50);
        Assert.False(fourth.IsCompleted); // an open stream holds its connection
        await streams[0].DisposeAsync();
        await using (await fourth) { }
        foreach (var s in streams.Skip(1)) await s.DisposeAsync();
    }
}

/// <summary>
/// A read-only stream over bytes that hands out at most <c>chunk</c> bytes per read and calls <c>beforeRead</c>
/// (with the position) before each one: the hook the test sources use to fail, cancel or pause midway.
/// </summary>
internal sealed class HookedStream(byte[] data, int chunk, Func<long, CancellationToken, ValueTask> beforeRead) : Stream
{
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await beforeRead(_position, cancellationToken).ConfigureAwait(false);
        var n = (int)Math.Min(Math.Min(buffer.Length, chunk), data.Length - _position);
        data.AsSpan((int)_position, n).CopyTo(buffer.Span);
        _position += n;
        return n;
    }
}

/// <summary>Yields part of its bytes, then fails like a broken disk or pipe.</summary>
internal sealed class FailingSource(byte[] data, int failAfter) : SaveSource
{
    public override long Length => data.Length;

    public override Stream Open() => new HookedStream(data, 64 * 1024, (position, _) =>
        position >= failAfter ? throw new IOException("source broke") : ValueTask.CompletedTask);
}

/// <summary>Cancels its token once a first chunk has been read: a save cancelled midway.</summary>
internal sealed class CancellingSource(byte[] data, CancellationTokenSource cts) : SaveSource
{
    public override long Length => data.Length;

    public override Stream Open() => new HookedStream(data, 64 * 1024, (position, ct) =>
    {
        if (position > 0) cts.Cancel();
        ct.ThrowIfCancellationRequested();
        return ValueTask.CompletedTask;
    });
}

/// <summary>Announces a length its bytes do not have.</summary>
internal sealed class AnnouncedSource(byte[] data, long announced) : SaveSource
{
    public override long Length => announced;
    public override Stream Open() => new MemoryStream(data, writable: false);
}

/// <summary>Reads in small steps with a pause between them, so that concurrent saves overlap.</summary>
internal sealed class SlowSource(byte[] data) : SaveSource
{
    public override long Length => data.Length;
    public override Stream Open() => new HookedStream(data, 4096, async (_, ct) => await Task.Delay(1, ct).ConfigureAwait(false));
}

/// <summary>Counts the calls in flight (the most at once), to check a connection limit.</summary>
internal sealed class CountingBackend(IStorageBackend inner) : IStorageBackend
{
    private int _now, _max;
    public int MaxInFlight => _max;

    private async Task<T> Count<T>(Func<Task<T>> call)
    {
        var n = Interlocked.Increment(ref _now);
        int m;
        while (n > (m = _max) && Interlocked.CompareExchange(ref _max, n, m) != m) { }
        try { return await call(); }
        finally { Interlocked.Decrement(ref _now); }
    }

    public string Location => inner.Location;
    public BackendProperties Properties => inner.Properties;
    public Task<bool> ExistsAsync(CancellationToken ct) => Count(() => inner.ExistsAsync(ct));
    public Task CreateAsync(CancellationToken ct) => Count(async () => { await inner.CreateAsync(ct); return 0; });
    public Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct) => Count(async () => { await inner.SaveAsync(handle, source, ct); return 0; });
    public Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct) => Count(() => inner.LoadAsync(handle, ct));
    public Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct) => Count(() => inner.ReadAtAsync(handle, offset, buffer, ct));
    public Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct) => inner.OpenReadAsync(handle, ct);
    public Task<long?> StatAsync(StorageHandle handle, CancellationToken ct) => Count(() => inner.StatAsync(handle, ct));
    public IAsyncEnumerable<StorageEntry> ListAsync(FileType type, CancellationToken ct) => inner.ListAsync(type, ct);
    public Task RemoveAsync(StorageHandle handle, CancellationToken ct) => Count(async () => { await inner.RemoveAsync(handle, ct); return 0; });
    public Task<int> RemoveLeftoversAsync(CancellationToken ct) => Count(() => inner.RemoveLeftoversAsync(ct));
    public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => Count(() => inner.CapacityAsync(ct));
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

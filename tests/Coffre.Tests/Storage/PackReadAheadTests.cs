using Coffre.Model;
using Coffre.Storage;
using Coffre.Storage.Memory;

namespace Coffre.Tests.Storage;

/// <summary>
/// Packs read by windows (counted requests, never timed): blobs read in order cost one request per window, reads
/// across a window's edge or past the object's end give the right bytes, memory keeps a bounded number of windows,
/// and failures are the inner backend's own.
/// </summary>
public sealed class PackReadAheadTests
{
    private static async Task<(PackReadAheadBackend Backend, ReadCounter Counter, StorageHandle Pack, byte[] Data)> PackAsync(int length, int seed = 1)
    {
        var memory = new MemoryBackend();
        await memory.CreateAsync(default);
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        var h = new StorageHandle(FileType.Pack, BlobId.Hash(data).ToString());
        await memory.SaveAsync(h, data, default);
        var counter = new ReadCounter(memory);
        return (new PackReadAheadBackend(counter), counter, h, data);
    }

    [Fact]
    public async Task BlobsReadInOrderCostOneRequestPerWindow()
    {
        var (backend, counter, h, data) = await PackAsync(10 << 20);
        var back = new byte[data.Length];
        for (var at = 0; at < data.Length; at += 1000)
        {
            var n = Math.Min(1000, data.Length - at);
            Assert.Equal(n, await backend.ReadAtAsync(h, at, back.AsMemory(at, n), default));
        }
        Assert.Equal(data, back);
        Assert.Equal(3, counter.Reads); // 4 + 4 + 2 MiB
    }

    [Fact]
    public async Task ReadsAcrossAWindowsEdgeAndPastTheEndGiveTheRightBytes()
    {
        var (backend, _, h, data) = await PackAsync(PackReadAheadBackend.Window + 5000);
        var across = new byte[3000];
        Assert.Equal(3000, await backend.ReadAtAsync(h, PackReadAheadBackend.Window - 1000, across, default));
        Assert.Equal(data.AsSpan(PackReadAheadBackend.Window - 1000, 3000).ToArray(), across);
        var tail = new byte[10_000];
        Assert.Equal(4000, await backend.ReadAtAsync(h, PackReadAheadBackend.Window + 1000, tail, default));
        Assert.Equal(data.AsSpan(PackReadAheadBackend.Window + 1000).ToArray(), tail[..4000]);
        Assert.Equal(0, await backend.ReadAtAsync(h, data.Length, tail, default));
        Assert.Equal(0, await backend.ReadAtAsync(h, data.Length + PackReadAheadBackend.Window, tail, default));
    }

    [Fact]
    public async Task OnlyABoundedNumberOfWindowsIsKept()
    {
        var (backend, counter, h, _) = await PackAsync((PackReadAheadBackend.Windows + 1) * PackReadAheadBackend.Window);
        var b = new byte[10];
        for (var w = 0; w <= PackReadAheadBackend.Windows; w++) await backend.ReadAtAsync(h, (long)w * PackReadAheadBackend.Window, b, default);
        Assert.Equal(PackReadAheadBackend.Windows + 1, counter.Reads);
        await backend.ReadAtAsync(h, PackReadAheadBackend.Windows * (long)PackReadAheadBackend.Window + 100, b, default); // still kept
        Assert.Equal(PackReadAheadBackend.Windows + 1, counter.Reads);
        await backend.ReadAtAsync(h, 100, b, default); // the oldest went
        Assert.Equal(PackReadAheadBackend.Windows + 2, counter.Reads);
    }

    [Fact]
    public async Task ConcurrentReadersOfOneWindowShareItsFetch()
    {
        var (backend, counter, h, data) = await PackAsync(1 << 20);
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            var b = new byte[100];
            await backend.ReadAtAsync(h, i * 1000, b, default);
            return b;
        })));
        for (var i = 0; i < 16; i++) Assert.Equal(data.AsSpan(i * 1000, 100).ToArray(), results[i]);
        Assert.Equal(1, counter.Reads);
    }

    [Fact]
    public async Task AMissingPackIsNotFoundEveryTimeAndLargeReadsGoStraightThrough()
    {
        var (backend, counter, h, data) = await PackAsync(PackReadAheadBackend.Window * 2);
        var missing = new StorageHandle(FileType.Pack, new string('a', 64));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => backend.ReadAtAsync(missing, 0, new byte[10], default));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => backend.ReadAtAsync(missing, 0, new byte[10], default));
        Assert.Equal(2, counter.Reads);
        var big = new byte[PackReadAheadBackend.Window + 1];
        Assert.Equal(big.Length, await backend.ReadAtAsync(h, 7, big, default));
        Assert.Equal(data.AsSpan(7, big.Length).ToArray(), big);
        Assert.Equal(3, counter.Reads);
    }
}

/// <summary>Counts the range reads that reach the backend it wraps.</summary>
internal sealed class ReadCounter(IStorageBackend inner) : DelegatingBackend(inner)
{
    private int _reads;
    public int Reads => Volatile.Read(ref _reads);

    public override Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct)
    {
        Interlocked.Increment(ref _reads);
        return Inner.ReadAtAsync(handle, offset, buffer, ct);
    }
}

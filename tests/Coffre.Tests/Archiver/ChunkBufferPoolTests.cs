using Coffre.Archiver;
using Coffre.Chunking;

namespace Coffre.Tests.Archiver;

public class ChunkBufferPoolTests
{
    [Fact]
    public async Task ReleaseIdleForgetsOnlyTheBuffersThatAreBack()
    {
        var pool = new ChunkBufferPool(3);
        var a = await pool.RentAsync(CancellationToken.None);
        var b = await pool.RentAsync(CancellationToken.None);
        var c = await pool.RentAsync(CancellationToken.None);
        pool.Return(a);
        pool.Return(b);

        Assert.Equal(2, pool.ReleaseIdle());
        Assert.Equal(0, pool.ReleaseIdle());
        // The two forgotten buffers may be made again: the pool is back to its full capacity, not beyond it.
        var d = await pool.RentAsync(CancellationToken.None);
        var e = await pool.RentAsync(CancellationToken.None);
        Assert.Equal(Chunker.MaxSize, d.Length);
        Assert.NotSame(a, d);
        Assert.NotSame(b, e);
        // A free or a new buffer is handed out synchronously; nothing else touches this pool, so a rent that did not
        // complete at once is one that waits for a return.
        var fourth = pool.RentAsync(CancellationToken.None).AsTask();
        Assert.False(fourth.IsCompleted);
        pool.Return(c);
        Assert.Same(c, await fourth.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task WhenIdleWaitsForEveryRentedBuffer()
    {
        var pool = new ChunkBufferPool(2);
        Assert.True(pool.WhenIdleAsync().IsCompleted);

        var a = await pool.RentAsync(CancellationToken.None);
        var b = await pool.RentAsync(CancellationToken.None);
        var idle = pool.WhenIdleAsync();
        pool.Return(a);
        // Returns complete the idle task synchronously (its continuations run elsewhere): after one of two, not yet.
        Assert.False(idle.IsCompleted);
        pool.Return(b);
        await idle.WaitAsync(TimeSpan.FromSeconds(10));
    }
}

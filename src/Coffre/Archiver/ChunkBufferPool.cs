using System.Threading.Channels;
using Coffre.Chunking;

namespace Coffre.Archiver;

/// <summary>
/// A fixed set of chunk-sized (8 MiB) buffers shared by the file workers and the blob workers. A new chunk
/// travels to the blob workers in the buffer it was cut into, so data is never copied; the bound on buffers
/// is also the backpressure that bounds the backup's memory, whatever the file sizes.
/// </summary>
internal sealed class ChunkBufferPool(int capacity)
{
    private readonly Channel<byte[]> _free = Channel.CreateBounded<byte[]>(capacity);
    private int _created;
    private int _rented;
    private TaskCompletionSource? _idle;

    public async ValueTask<byte[]> RentAsync(CancellationToken ct)
    {
        var buffer = await RentCoreAsync(ct).ConfigureAwait(false);
        Interlocked.Increment(ref _rented);
        return buffer;
    }

    private async ValueTask<byte[]> RentCoreAsync(CancellationToken ct)
    {
        if (_free.Reader.TryRead(out var b)) return b;
        // Buffers are made only when needed: small backups never allocate the whole set.
        if (Interlocked.Increment(ref _created) <= capacity) return GC.AllocateUninitializedArray<byte>(Chunker.MaxSize);
        Interlocked.Decrement(ref _created);
        return await _free.Reader.ReadAsync(ct).ConfigureAwait(false);
    }

    public void Return(byte[] buffer)
    {
        _free.Writer.TryWrite(buffer);
        if (Interlocked.Decrement(ref _rented) == 0) Volatile.Read(ref _idle)?.TrySetResult();
    }

    /// <summary>Completes once every rented buffer is back: no chunk is being read, queued or encoded.</summary>
    public Task WhenIdleAsync()
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _idle, idle);
        if (Volatile.Read(ref _rented) == 0) idle.TrySetResult();
        return idle.Task;
    }

    /// <summary>
    /// Forgets the buffers no worker holds (they are made again when needed) and returns how many. A buffer is
    /// resident up to the longest chunk it ever held, so buffers kept from one part of a backup add to the memory
    /// of the next part instead of overlapping with it.
    /// </summary>
    public int ReleaseIdle()
    {
        var released = 0;
        while (_free.Reader.TryRead(out _))
        {
            Interlocked.Decrement(ref _created);
            released++;
        }
        return released;
    }
}

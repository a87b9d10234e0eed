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

    public async ValueTask<byte[]> RentAsync(CancellationToken ct)
    {
        if (_free.Reader.TryRead(out var b)) return b;
        // Buffers are made only when needed: small backups never allocate the whole set.
        if (Interlocked.Increment(ref _created) <= capacity) return GC.AllocateUninitializedArray<byte>(Chunker.MaxSize);
        Interlocked.Decrement(ref _created);
        return await _free.Reader.ReadAsync(ct).ConfigureAwait(false);
    }

    public void Return(byte[] buffer) => _free.Writer.TryWrite(buffer);
}

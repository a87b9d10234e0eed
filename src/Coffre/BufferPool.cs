using System.Buffers;

namespace Coffre;

/// <summary>
/// The pool for chunk, blob and pack-part buffers (up to 16 MiB). Not ArrayPool.Shared: that one keeps a
/// buffer per size per thread, and blob buffers rented on one pool thread and returned on another then pile
/// up across every thread, so memory grows with the thread count. This pool is shared and keeps at most a few
/// buffers of each size, which bounds what it can hold.
/// </summary>
public static class BufferPool
{
    public static readonly ArrayPool<byte> Instance = ArrayPool<byte>.Create(maxArrayLength: 16 * 1024 * 1024, maxArraysPerBucket: 4);
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Coffre.Repository.Compression;

/// <summary>
/// zstd through the system libzstd.so.1. Contexts are not thread-safe: a compression takes one from a small shared
/// pool for the call; each thread lazily gets its own decompression context (SafeHandles free them if a thread dies).
/// </summary>
public static class Zstd
{
    public const int DefaultLevel = 3;

    // A compression context holds about 1.3 MB once it has compressed a full chunk. One per thread, as before, made
    // their number follow the thread pool (blob workers and tree writers resume on any pool thread: 8 contexts in a
    // measured application backup); pooled, there are only as many as compressions ever ran at once.
    private static readonly ConcurrentBag<ZstdCCtxHandle> IdleCCtxs = [];
    [ThreadStatic] private static ZstdDCtxHandle? t_dctx;

    private static ZstdDCtxHandle DCtx => t_dctx ??= Create(ZstdNative.CreateDCtx());

    private static T Create<T>(T handle) where T : SafeHandle =>
        handle.IsInvalid ? throw new OutOfMemoryException("zstd could not allocate a context") : handle;

    /// <summary>The worst-case compressed size of <paramref name="sourceLength"/> bytes.</summary>
    public static int CompressBound(int sourceLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sourceLength);
        nuint bound = ZstdNative.CompressBound((nuint)sourceLength);
        if (ZstdNative.IsError(bound) != 0 || bound > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(sourceLength), "input too large for zstd");
        return (int)bound;
    }

    /// <summary>One zstd frame (content size recorded, no checksum). Returns the bytes written to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small (size it with <see cref="CompressBound"/>).</exception>
    public static unsafe int Compress(ReadOnlySpan<byte> source, Span<byte> destination, int level = DefaultLevel)
    {
        nuint r;
        var cctx = IdleCCtxs.TryTake(out var idle) ? idle : Create(ZstdNative.CreateCCtx());
        try
        {
            fixed (byte* src = &MemoryMarshal.GetReference(source))
            fixed (byte* dst = &MemoryMarshal.GetReference(destination))
                r = ZstdNative.CompressCCtx(cctx, dst, (nuint)destination.Length, src, (nuint)source.Length, level);
        }
        finally
        {
            IdleCCtxs.Add(cctx); // ZSTD_compressCCtx starts every frame afresh: nothing carries over to the next use
        }
        if (ZstdNative.IsError(r) != 0)
        {
            if (ZstdNative.GetErrorCode(r) == ZstdNative.ErrorDstSizeTooSmall)
                throw new ArgumentException("destination too small for the compressed data", nameof(destination));
            throw new InvalidOperationException("zstd compression failed: " + ZstdNative.ErrorName(r));
        }
        return (int)r;
    }

    /// <summary>
    /// Decodes into <paramref name="destination"/> (sized to the expected length; frames without Frame_Content_Size work too).
    /// Returns the bytes written.
    /// </summary>
    /// <exception cref="InvalidDataException">corrupt input, or more output than <paramref name="destination"/> holds.</exception>
    public static unsafe int Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.IsEmpty) throw new InvalidDataException("zstd: empty input is not a frame");
        nuint r;
        fixed (byte* src = &MemoryMarshal.GetReference(source))
        fixed (byte* dst = &MemoryMarshal.GetReference(destination))
            r = ZstdNative.DecompressDCtx(DCtx, dst, (nuint)destination.Length, src, (nuint)source.Length);
        if (ZstdNative.IsError(r) != 0) throw new InvalidDataException("zstd decompression failed: " + ZstdNative.ErrorName(r));
        return (int)r;
    }

    /// <summary>Streaming decode into a growing buffer, for frames that may omit their content size (restic's index/snapshot/lock JSON).</summary>
    /// <exception cref="InvalidDataException">corrupt or truncated input, or output above <paramref name="maxLength"/>.</exception>
    public static unsafe byte[] DecompressUnknownSize(ReadOnlySpan<byte> source, int maxLength = 512 * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        if (source.IsEmpty) throw new InvalidDataException("zstd: empty input is not a frame");
        var dctx = DCtx;
        ZstdNative.DCtxReset(dctx, ZstdNative.ResetSessionOnly); // a previous call may have stopped mid-frame

        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(source.Length * 4L, Math.Min(4096, maxLength), maxLength));
        int written = 0;
        try
        {
            fixed (byte* src = &MemoryMarshal.GetReference(source))
            {
                var input = new ZstdNative.InBuffer { Src = src, Size = (nuint)source.Length, Pos = 0 };
                while (true)
                {
                    int capacity = Math.Min(buffer.Length, maxLength);
                    if (written == capacity)
                    {
                        if (capacity == maxLength) throw new InvalidDataException($"zstd: decompressed data exceeds {maxLength} bytes");
                        buffer = Grow(buffer, written, maxLength);
                        capacity = Math.Min(buffer.Length, maxLength);
                    }
                    nuint r, consumedBefore = input.Pos;
                    int writtenBefore = written;
                    fixed (byte* dst = buffer)
                    {
                        var output = new ZstdNative.OutBuffer { Dst = dst, Size = (nuint)capacity, Pos = (nuint)written };
                        r = ZstdNative.DecompressStream(dctx, &output, &input);
                        written = (int)output.Pos;
                    }
                    if (ZstdNative.IsError(r) != 0) throw new InvalidDataException("zstd decompression failed: " + ZstdNative.ErrorName(r));
                    bool inputDone = input.Pos == input.Size;
                    if (r == 0 && inputDone) break; // last frame complete and flushed
                    // Output space left means the decoder flushed all it could, so it needs input that is not there.
                    if (written < capacity && (inputDone || (input.Pos == consumedBefore && written == writtenBefore)))
                        throw new InvalidDataException("zstd: truncated frame");
                }
            }
            return buffer.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, int used, int maxLength)
    {
        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, maxLength));
        buffer.AsSpan(0, used).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }
}

namespace Coffre.Storage.Rest;

/// <summary>
/// A read-only stream over a request or response body: every read counts as progress for the
/// <see cref="StallGuard"/>, a stall becomes an <see cref="IOException"/> that says so, and disposing it disposes
/// what it owns (the HTTP response of a download).
/// </summary>
internal sealed class GuardedStream(Stream inner, StallGuard guard, Func<string> describeStall, params IDisposable[] owned) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // HttpClient reads request bodies asynchronously; this path only serves synchronous callers.
        var rented = new byte[buffer.Length];
        var n = ReadAsync(rented.AsMemory(), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        rented.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var link = cancellationToken.CanBeCanceled ? cancellationToken.Register(guard.Cancel) : default;
        try
        {
            var n = await inner.ReadAsync(buffer, guard.Token).ConfigureAwait(false);
            guard.Kick();
            return n;
        }
        catch (OperationCanceledException e) when (guard.Stalled && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientStorageException(describeStall(), e);
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            foreach (var o in owned) o.Dispose();
        }
        base.Dispose(disposing);
    }
}

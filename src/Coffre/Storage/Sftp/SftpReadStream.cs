namespace Coffre.Storage.Sftp;

/// <summary>
/// A sequential read of one remote file with a few READ requests in flight ahead of the reader (bounded memory:
/// <see cref="Window"/> chunks). A short reply (allowed by the protocol) drops the read-ahead and resumes after it.
/// Closes the remote handle when disposed.
/// </summary>
internal sealed class SftpReadStream(SftpSession session, byte[] handle, string path) : Stream
{
    private const int Window = 8;

    private readonly Queue<(long Offset, byte[] Buffer, Task<int> Read)> _ahead = new();
    private readonly CancellationTokenSource _disposed = new();
    private long _nextRequest;
    private long _position;
    private byte[]? _current;
    private int _currentStart, _currentEnd;
    private bool _eof;
    private bool _broken;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return 0;
        if (_broken) throw new IOException($"an earlier read of {path} failed or was cancelled: open it again");
        while (_current is null || _currentStart == _currentEnd)
        {
            if (_eof) return 0;
            while (_ahead.Count < Window)
            {
                var b = new byte[SftpProtocol.ChunkSize];
                var offset = _nextRequest;
                _ahead.Enqueue((offset, b, session.ReadAsync(handle, offset, b, path, _disposed.Token)));
                _nextRequest += b.Length;
            }
            var (at, chunk, read) = _ahead.Dequeue();
            int n;
            try { n = await read.WaitAsync(cancellationToken).ConfigureAwait(false); }
            catch
            {
                _broken = true; // the dequeued chunk is lost: this stream cannot go on
                throw;
            }
            if (at != _position) throw new IOException($"internal error: read-ahead of {path} out of step");
            if (n == 0) { _eof = true; await DrainAsync().ConfigureAwait(false); return 0; }
            if (n < chunk.Length)
            {
                // A short read: what was requested after it starts at the wrong offset.
                await DrainAsync().ConfigureAwait(false);
                _nextRequest = _position + n;
            }
            _current = chunk;
            _currentStart = 0;
            _currentEnd = n;
            _position += n;
        }
        var take = Math.Min(buffer.Length, _currentEnd - _currentStart);
        _current.AsSpan(_currentStart, take).CopyTo(buffer.Span);
        _currentStart += take;
        return take;
    }

    /// <summary>Waits for the read-ahead requests and forgets their results.</summary>
    private async Task DrainAsync()
    {
        while (_ahead.Count > 0)
        {
            var (_, _, t) = _ahead.Dequeue();
            try { await t.ConfigureAwait(false); }
            catch (IOException) { }
            catch (OperationCanceledException) { }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask DisposeAsync()
    {
        await DrainAsync().ConfigureAwait(false);
        await CloseHandleAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed.IsCancellationRequested)
        {
            _disposed.Cancel();
            try { DrainAsync().GetAwaiter().GetResult(); } catch (IOException) { }
            CloseHandleAsync().GetAwaiter().GetResult();
            _disposed.Dispose();
        }
        base.Dispose(disposing);
    }

    private bool _closed;

    private async Task CloseHandleAsync()
    {
        if (_closed) return;
        _closed = true;
        if (session.IsBroken) return;
        try { await session.CloseAsync(handle, path, CancellationToken.None).ConfigureAwait(false); }
        catch (IOException) { } // a file only read: nothing lost if its handle cannot be closed
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

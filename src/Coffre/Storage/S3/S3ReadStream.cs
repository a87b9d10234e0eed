using Amazon.S3.Model;

namespace Coffre.Storage.S3;

/// <summary>
/// The body of a whole-object GET, returned by <see cref="S3Backend.OpenReadAsync"/>: owns the reply (disposing
/// the stream releases the connection), maps read failures like every other call, and refuses more bytes than the
/// server announced.
/// </summary>
internal sealed class S3ReadStream(GetObjectResponse response, Stream body, S3Backend backend, StorageHandle handle) : Stream
{
    private readonly long _announced = response.ContentLength;
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _announced >= 0 ? _announced : throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        try { n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (S3Errors.Maps(e, cancellationToken)) { throw S3Errors.Map(e, backend, handle, "read"); }
        _read += n;
        if (_announced >= 0 && _read > _announced)
            throw new IOException($"the S3 server sent more bytes for {handle} than it announced ({_announced}) in {backend.Location}");
        if (n == 0 && buffer.Length > 0 && _announced >= 0 && _read < _announced)
            throw new TransientStorageException($"the S3 server sent {_read} of the {_announced} bytes of {handle} in {backend.Location} (connection cut?)");
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
            response.Dispose();
        }
        base.Dispose(disposing);
    }
}

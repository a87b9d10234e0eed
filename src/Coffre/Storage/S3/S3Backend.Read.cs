using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Coffre.Storage.S3;

public sealed partial class S3Backend
{
    /// <summary>How long a reply body may stay silent before the read fails (transient).</summary>
    internal static readonly TimeSpan IdleReadTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The largest object <see cref="LoadAsync"/> holds in memory (a larger announced size is refused).</summary>
    private const long MaxLoadLength = 1L << 30;

    public async Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct)
    {
        var (response, stream) = await GetAsync(handle, null, ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        using (response)
        {
            var announced = response.ContentLength;
            if (announced > MaxLoadLength)
                throw new IOException($"the S3 server announces {announced} bytes for {handle} in {Location}, more than this object can hold");
            try
            {
                using var buffer = new MemoryStream(announced > 0 ? (int)Math.Min(announced, 64L << 20) : 0);
                var chunk = new byte[81920];
                int n;
                while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + n > MaxLoadLength || (announced >= 0 && buffer.Length + n > announced))
                        throw new IOException($"the S3 server sent more bytes for {handle} than it announced ({announced}) in {Location}");
                    buffer.Write(chunk, 0, n);
                }
                if (announced >= 0 && buffer.Length != announced)
                    throw new TransientStorageException($"the S3 server sent {buffer.Length} of the {announced} bytes of {handle} in {Location} (connection cut?)");
                return buffer.ToArray();
            }
            catch (Exception e) when (S3Errors.Maps(e, ct)) { throw S3Errors.Map(e, this, handle, "read"); }
        }
    }

    public async Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (buffer.Length == 0) return 0;
        GetObjectResponse response;
        Stream stream;
        try
        {
            (response, stream) = await GetAsync(handle, new ByteRange(offset, offset + buffer.Length - 1), ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) { return 0; } // offset at or past the end
        await using (stream.ConfigureAwait(false))
        using (response)
        {
            // A server that ignores the range sends the whole object from byte 0: refuse rather than read wrong bytes.
            if (offset > 0 && response.HttpStatusCode != HttpStatusCode.PartialContent)
                throw new IOException($"the S3 server ignored the byte range asked for {handle} in {Location} (HTTP {(int)response.HttpStatusCode})");
            var total = 0;
            try
            {
                while (total < buffer.Length)
                {
                    var n = await stream.ReadAsync(buffer[total..], ct).ConfigureAwait(false);
                    if (n == 0) break;
                    total += n;
                }
            }
            catch (Exception e) when (S3Errors.Maps(e, ct)) { throw S3Errors.Map(e, this, handle, "read"); }
            return total;
        }
    }

    public async Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct)
    {
        var (response, stream) = await GetAsync(handle, null, ct).ConfigureAwait(false);
        return new S3ReadStream(response, stream, this, handle);
    }

    /// <summary>A GET (of a range, or the whole object); the body is read through an idle timeout.</summary>
    private async Task<(GetObjectResponse, Stream)> GetAsync(StorageHandle handle, ByteRange? range, CancellationToken ct)
    {
        try
        {
            var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = S3.Bucket, Key = KeyOf(handle), ByteRange = range }, ct).ConfigureAwait(false);
            return (response, new IdleTimeoutStream(response.ResponseStream, IdleReadTimeout));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) { throw; }
        catch (Exception e) when (S3Errors.Maps(e, ct)) { throw S3Errors.Map(e, this, handle, "read"); }
    }
}

using Amazon.S3;
using Amazon.S3.Model;

namespace Coffre.Storage.S3;

public sealed partial class S3Backend
{
    /// <summary>
    /// Objects up to this size go in one PUT (every pack: ~16 MiB, a little more with its header); larger ones in
    /// parts uploaded side by side. One PUT is one request where a multipart upload takes four or more, and packs
    /// already go up several at once.
    /// </summary>
    internal const long MultipartThreshold = 64L << 20;

    /// <summary>This backend's threshold: <see cref="MultipartThreshold"/>; tests lower it to send multipart uploads of a few MiB.</summary>
    internal long MultipartBytes { get; set; } = MultipartThreshold;
    internal const long MinPartSize = 8L << 20;
    private const int MaxParts = 10_000;
    private const int PartsInFlight = 4;

    /// <summary>Stores a source (bytes, or a staged pack read straight from its file: never whole in memory).</summary>
    public Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        return UploadAsync(handle, source.Open, source.Length, ct);
    }

    /// <summary>
    /// The one upload path. <paramref name="open"/> gives a fresh, seekable stream over the whole content each
    /// time it is called (the SDK reads a body twice: to sign it, then to send it). An object that already exists
    /// is an error: names are content hashes, objects are never replaced.
    /// </summary>
    internal async Task UploadAsync(StorageHandle handle, Func<Stream> open, long length, CancellationToken ct)
    {
        var key = KeyOf(handle);
        CheckLength(handle, open, length);
        if (await StatAsync(handle, ct).ConfigureAwait(false) is not null) throw new IOException($"{handle} already exists in {Location}");
        if (length <= MultipartBytes) await PutAsync(handle, key, open, length, ct).ConfigureAwait(false);
        else await MultipartAsync(handle, key, open, length, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A source longer or shorter than announced is refused before anything is sent: the server would only answer
    /// SignatureDoesNotMatch (the signed hash covers the announced bytes), which reads like a credentials problem.
    /// </summary>
    private static void CheckLength(StorageHandle handle, Func<Stream> open, long length)
    {
        using var probe = open();
        if (probe.CanSeek && probe.Length - probe.Position != length)
            throw new IOException($"{handle}: the data to save has {probe.Length - probe.Position} bytes, not the {length} announced; nothing was stored");
    }

    private async Task PutAsync(StorageHandle handle, string key, Func<Stream> open, long length, CancellationToken ct)
    {
        var body = open();
        await using (body.ConfigureAwait(false))
        {
            try
            {
                var request = new PutObjectRequest
                {
                    BucketName = S3.Bucket,
                    Key = key,
                    InputStream = body,
                    AutoCloseStream = false,
                    ContentType = "application/octet-stream",
                    // Plain signed bodies: the chunked "aws-chunked" framing of newer SDKs is stored as data by some servers.
                    UseChunkEncoding = false,
                    // Atomic "create only" where the server knows it (AWS, Ceph, MinIO); the HEAD before covers the others.
                    IfNoneMatch = "*",
                };
                request.Headers.ContentLength = length;
                await _client.PutObjectAsync(request, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.PreconditionFailed)
            {
                throw new IOException($"{handle} already exists in {Location}", e);
            }
            catch (Exception e) when (S3Errors.Maps(e, ct)) { throw S3Errors.Map(e, this, handle, "save"); }
        }
    }

    /// <summary>
    /// A multipart upload: the object appears only when it completes; on any failure or cancellation the upload is
    /// aborted, so its parts do not linger (RemoveLeftoversAsync aborts those of a process that died).
    /// </summary>
    private async Task MultipartAsync(StorageHandle handle, string key, Func<Stream> open, long length, CancellationToken ct)
    {
        string uploadId;
        try
        {
            var init = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
            {
                BucketName = S3.Bucket,
                Key = key,
                ContentType = "application/octet-stream",
            }, ct).ConfigureAwait(false);
            uploadId = init.UploadId;
        }
        catch (Exception e) when (S3Errors.Maps(e, ct)) { throw S3Errors.Map(e, this, handle, "start the upload of"); }
        if (string.IsNullOrEmpty(uploadId)) throw new IOException($"the S3 server gave no upload id for {handle} in {Location}");

        var partSize = Math.Max(MinPartSize, (length + MaxParts - 1) / MaxParts);
        var parts = (int)((length + partSize - 1) / partSize);
        var etags = new PartETag[parts];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, parts), new ParallelOptions { MaxDegreeOfParallelism = PartsInFlight, CancellationToken = ct }, async (i, token) =>
            {
                var offset = i * partSize;
                var size = Math.Min(partSize, length - offset);
                var window = new WindowStream(open(), offset, size);
                await using (window.ConfigureAwait(false))
                {
                    var r = await _client.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = S3.Bucket,
                        Key = key,
                        UploadId = uploadId,
                        PartNumber = i + 1,
                        PartSize = size,
                        InputStream = window,
                        UseChunkEncoding = false,
                        IsLastPart = i == parts - 1,
                    }, token).ConfigureAwait(false);
                    if (string.IsNullOrEmpty(r.ETag)) throw new IOException($"the S3 server gave no ETag for part {i + 1} of {handle} in {Location}");
                    etags[i] = new PartETag(i + 1, r.ETag);
                }
            }).ConfigureAwait(false);
            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = S3.Bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = [.. etags],
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await AbortUploadAsync(key, uploadId, CancellationToken.None).ConfigureAwait(false);
            if (S3Errors.Maps(e, ct)) throw S3Errors.Map(e, this, handle, "save");
            throw;
        }
        // The server stitched the parts: check it holds what was sent before the engine relies on it.
        var stored = await StatAsync(handle, ct).ConfigureAwait(false);
        if (stored != length)
        {
            try { await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = S3.Bucket, Key = key }, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception e) when (S3Errors.Maps(e, CancellationToken.None)) { }
            throw new TransientStorageException($"the S3 server stored {stored?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"} bytes for {handle} instead of {length} in {Location}");
        }
    }

    /// <summary>Aborts a multipart upload, with a time limit of its own (it runs when the caller's token is cancelled).</summary>
    private async Task<bool> AbortUploadAsync(string key, string uploadId, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = S3.Bucket, Key = key, UploadId = uploadId }, limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload") { return false; }
        catch (Exception e) when (S3Errors.Maps(e, ct)) { return false; }
    }
}

using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Coffre.Model;

namespace Coffre.Storage.S3;

/// <summary>
/// A repository in an S3 bucket (AWS, Ceph RGW, MinIO…), laid out exactly as restic lays it out under the
/// location's prefix (config, keys/, snapshots/, index/, locks/, data/XX/ID) so restic reads what Coffre writes
/// and the other way round. Objects are written whole by one PUT, or for large ones by a multipart upload that is
/// aborted on any failure: S3 shows an object only once it is complete. Failures are mapped (S3Errors): a missing
/// object raises <see cref="StorageNotFoundException"/>, wrong credentials and a missing bucket a one-line
/// <see cref="CoffreException"/>, a 5xx, a reset or a timeout an <see cref="IOException"/> marked transient.
/// </summary>
public sealed partial class S3Backend : IStorageBackend, IDisposable
{
    /// <summary>Per request, until the reply's headers arrive (bodies are read under <see cref="IdleReadTimeout"/>).</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(2);

    private readonly AmazonS3Client _client;
    private readonly string _root;
    private int _disposed;

    private S3Backend(S3Location location, AmazonS3Client client)
    {
        S3 = location;
        _client = client;
        _root = location.Prefix.Length > 0 ? location.Prefix + "/" : "";
    }

    /// <summary>
    /// Opens the backend with the credentials restic reads: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and
    /// AWS_SESSION_TOKEN when set), region AWS_DEFAULT_REGION (default us-east-1). Nothing is contacted yet.
    /// </summary>
    public static S3Backend Open(S3Location location, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(environment);
        string? Get(string name) => environment.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;
        var id = Get("AWS_ACCESS_KEY_ID");
        var secret = Get("AWS_SECRET_ACCESS_KEY");
        if (id is null || secret is null)
            throw new CoffreException($"no credentials for {location}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", ExitCodes.Fatal);
        AWSCredentials credentials = Get("AWS_SESSION_TOKEN") is { } token
            ? new SessionAWSCredentials(id, secret, token)
            : new BasicAWSCredentials(id, secret);
        var config = new AmazonS3Config
        {
            ServiceURL = location.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = Get("AWS_DEFAULT_REGION") ?? "us-east-1",
            // Ceph 16 and many S3 servers predate the trailing checksums newer SDKs send by default.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = RequestTimeout,
            // A short retry of the SDK's own; the engine's retry decorator handles longer outages.
            MaxErrorRetry = 2,
        };
        return new S3Backend(location, new AmazonS3Client(credentials, config));
    }

    public S3Location S3 { get; }
    public string Location => S3.ToString();

    /// <summary>A remote store: packs are staged by the writer in a private local folder and uploaded once.</summary>
    public BackendProperties Properties { get; } = BackendProperties.Remote(maxConnections: 8);

    /// <summary>An S3 bucket does not say how much it may still hold.</summary>
    public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => Task.FromResult(StorageCapacity.Unknown);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _client.Dispose();
    }

    /// <summary>The object key of a handle, as restic names it.</summary>
    internal string KeyOf(StorageHandle h)
    {
        if (h.Type != FileType.Config && !BlobId.IsIdName(h.Name)) throw new ArgumentException($"'{h.Name}' is not an object name", nameof(h));
        return _root + h.Type switch
        {
            FileType.Config => "config",
            FileType.Pack => $"data/{h.Name[..2]}/{h.Name}",
            _ => $"{FolderOf(h.Type)}/{h.Name}",
        };
    }

    private static string FolderOf(FileType type) => RepositoryLayout.FolderOf(type);

    public async Task<bool> ExistsAsync(CancellationToken ct) => await StatAsync(StorageHandle.Config, ct).ConfigureAwait(false) is not null;

    /// <summary>Creates the bucket when it does not exist (as restic does); S3 has no folders to make.</summary>
    public async Task CreateAsync(CancellationToken ct)
    {
        try
        {
            await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3.Bucket, Prefix = _root + "config", MaxKeys = 1 }, ct).ConfigureAwait(false);
            return;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket") { }
        catch (Exception e) when (S3Errors.Maps(e, ct)) { throw S3Errors.Map(e, this, null, "create"); }
        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = S3.Bucket }, ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyOwnedByYou") { }
        catch (Exception e) when (S3Errors.Maps(e, ct)) { throw S3Errors.Map(e, this, null, "create the bucket"); }
    }

    public async Task<long?> StatAsync(StorageHandle handle, CancellationToken ct)
    {
        var key = KeyOf(handle);
        try
        {
            var r = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = S3.Bucket, Key = key }, ct).ConfigureAwait(false);
            var length = r.ContentLength;
            if (length < 0) throw new IOException($"the S3 server gave no size for {handle} in {Location}");
            return length;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { return null; }
        catch (Exception e) when (S3Errors.Maps(e, ct)) { throw S3Errors.Map(e, this, handle, "stat"); }
    }

    public async Task RemoveAsync(StorageHandle handle, CancellationToken ct)
    {
        // DELETE succeeds on a missing key: the contract wants not-found reported.
        if (await StatAsync(handle, ct).ConfigureAwait(false) is null) throw new StorageNotFoundException(handle, Location);
        try
        {
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = S3.Bucket, Key = KeyOf(handle) }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (S3Errors.Maps(e, ct)) { throw S3Errors.Map(e, this, handle, "remove"); }
    }

    public async IAsyncEnumerable<StorageEntry> ListAsync(FileType type, [EnumeratorCancellation] CancellationToken ct)
    {
        if (type == FileType.Config)
        {
            if (await StatAsync(StorageHandle.Config, ct).ConfigureAwait(false) is { } size) yield return new StorageEntry("config", size);
            yield break;
        }
        var folder = _root + FolderOf(type) + "/";
        string? token = null;
        while (true)
        {
            var page = await ListPageAsync(folder, token, ct).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? [])
            {
                if (o.Key is not { } key || !key.StartsWith(folder, StringComparison.Ordinal) || o.Size is not >= 0) continue;
                if (NameIn(type, key.AsSpan(folder.Length)) is { } name) yield return new StorageEntry(name, o.Size.Value);
            }
            if (page.IsTruncated != true) yield break;
            var next = page.NextContinuationToken;
            if (string.IsNullOrEmpty(next) || next == token)
                throw new IOException($"the S3 server's listing of {folder} in {Location} does not advance (continuation token missing or repeated)");
            token = next;
        }
    }

    private async Task<ListObjectsV2Response> ListPageAsync(string folder, string? token, CancellationToken ct)
    {
        try
        {
            return await _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = S3.Bucket,
                Prefix = folder,
                ContinuationToken = token,
                MaxKeys = 1000,
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (S3Errors.Maps(e, ct)) { throw S3Errors.Map(e, this, null, $"list {folder}"); }
    }

    /// <summary>The object's name when the key below its folder is well formed (<c>ID</c>, or <c>XX/ID</c> for packs).</summary>
    private static string? NameIn(FileType type, ReadOnlySpan<char> rest)
    {
        if (type == FileType.Pack)
        {
            if (rest.Length != 67 || rest[2] != '/') return null;
            var id = rest[3..];
            return BlobId.IsIdName(id) && id.StartsWith(rest[..2], StringComparison.Ordinal) ? id.ToString() : null;
        }
        return BlobId.IsIdName(rest) ? rest.ToString() : null;
    }

    /// <summary>Aborts the multipart uploads interrupted writers left under the prefix (S3 keeps their parts, invisibly).</summary>
    public async Task<int> RemoveLeftoversAsync(CancellationToken ct)
    {
        var removed = 0;
        string? keyMarker = null, uploadMarker = null;
        while (true)
        {
            ListMultipartUploadsResponse page;
            try
            {
                page = await _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
                {
                    BucketName = S3.Bucket,
                    Prefix = _root,
                    KeyMarker = keyMarker,
                    UploadIdMarker = uploadMarker,
                }, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (S3Errors.Maps(e, ct)) { throw S3Errors.Map(e, this, null, "list unfinished uploads"); }
            foreach (var u in page.MultipartUploads ?? [])
            {
                if (u.Key is null || !u.Key.StartsWith(_root, StringComparison.Ordinal) || string.IsNullOrEmpty(u.UploadId)) continue;
                if (await AbortUploadAsync(u.Key, u.UploadId, ct).ConfigureAwait(false)) removed++;
            }
            if (page.IsTruncated != true) return removed;
            if ((page.NextKeyMarker, page.NextUploadIdMarker) == (keyMarker, uploadMarker) || string.IsNullOrEmpty(page.NextKeyMarker))
                throw new IOException($"the S3 server's listing of unfinished uploads in {Location} does not advance");
            (keyMarker, uploadMarker) = (page.NextKeyMarker, page.NextUploadIdMarker);
        }
    }
}

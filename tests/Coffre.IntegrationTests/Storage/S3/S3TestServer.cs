using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Coffre.Storage.S3;
using S3Location = Coffre.Storage.S3.S3Location;

namespace Coffre.IntegrationTests.Storage.S3;

/// <summary>
/// The private Ceph RADOS Gateway test.sh starts (tests/ceph-s3/start.sh) and exports as COFFRE_TEST_S3_ENDPOINT,
/// _ACCESS_KEY, _SECRET_KEY, _BUCKET, _REGION. Every test works under a prefix of its own in the shared bucket.
/// </summary>
internal static class S3TestServer
{
    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    public static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";

    private static string Get(string key) => Env($"COFFRE_TEST_S3_{key}") ?? throw new InvalidOperationException(
        $"COFFRE_TEST_S3_{key} is not set: run the tests through ./test.sh (tests/ceph-s3/start.sh starts a private Ceph RADOS Gateway)");

    /// <summary>e.g. http://127.0.0.1:46697</summary>
    public static string Endpoint => Get("ENDPOINT");
    public static string Bucket => Get("BUCKET");
    public static string Region => Env("COFFRE_TEST_S3_REGION") ?? "us-east-1";
    public static string AccessKey => Get("ACCESS_KEY");
    public static string SecretKey => Get("SECRET_KEY");

    /// <summary>The variables restic (and <see cref="S3Backend.Open"/>) read.</summary>
    public static Dictionary<string, string?> Credentials => new()
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_DEFAULT_REGION"] = Region,
    };

    /// <summary>A location under a fresh prefix of the test bucket.</summary>
    public static S3Location NewLocation(string purpose) =>
        S3Location.Parse($"s3:{Endpoint}/{Bucket}/{purpose}-{Guid.NewGuid().ToString("N")[..12]}");

    public static S3Backend Open(S3Location location) => S3Backend.Open(location, Credentials);

    /// <summary>A plain SDK client on the same server, to look at (or plant) raw objects behind the backend's back.</summary>
    public static AmazonS3Client RawClient() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = Region,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public static async Task PutRawAsync(AmazonS3Client client, string key, byte[] data) =>
        await client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(data), UseChunkEncoding = false });

    /// <summary>Every key under a prefix, in order.</summary>
    public static async Task<List<string>> KeysAsync(AmazonS3Client client, string prefix)
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var r = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix, ContinuationToken = token });
            keys.AddRange((r.S3Objects ?? []).Select(o => o.Key));
            token = r.IsTruncated == true ? r.NextContinuationToken : null;
        } while (token is not null);
        return keys;
    }

    /// <summary>Multipart uploads still open under a prefix (parts S3 keeps, invisibly, until aborted).</summary>
    public static async Task<int> OpenUploadsAsync(AmazonS3Client client, string prefix) =>
        ((await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = prefix })).MultipartUploads ?? []).Count;
}

/// <summary>A test that needs the private Ceph RGW: skipped with a reason when absent, except in CI.</summary>
public sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (S3TestServer.InCi) return;
        if (Environment.GetEnvironmentVariable("COFFRE_TEST_S3_ENDPOINT") is not { Length: > 0 })
            Skip = "needs the private Ceph RADOS Gateway that ./test.sh starts (COFFRE_TEST_S3_* not set; CI=true makes this a failure)";
    }
}

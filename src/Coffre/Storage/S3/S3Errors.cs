using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace Coffre.Storage.S3;

/// <summary>
/// Turns what the SDK and the network throw into the contract's errors: not found, a one-line
/// <see cref="CoffreException"/> for what the user must fix (credentials, bucket), an <see cref="IOException"/>
/// for the rest (transient: 5xx, throttling, resets, timeouts). A server's own words are cut short and stripped
/// of control characters: a reply is hostile input.
/// </summary>
internal static class S3Errors
{
    private static readonly HashSet<string> CredentialCodes =
        ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken", "AuthorizationHeaderMalformed"];

    /// <summary>Whether <see cref="Map"/> handles it: everything but the caller's own cancellation and errors already mapped.</summary>
    public static bool Maps(Exception e, CancellationToken ct) =>
        !(e is OperationCanceledException && ct.IsCancellationRequested)
        && e is not (StorageNotFoundException or CoffreException or ArgumentException)
        && e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException
            or System.Xml.XmlException or FormatException;

    public static Exception Map(Exception e, S3Backend backend, StorageHandle? handle, string what)
    {
        var where = backend.Location;
        if (e is AmazonS3Exception or AmazonServiceException)
        {
            var s = (AmazonServiceException)e;
            var code = Clean(s.ErrorCode);
            if (code == "NoSuchBucket")
                return new CoffreException($"the bucket '{backend.S3.Bucket}' does not exist at {backend.S3.Endpoint}: check the location, or create the repository with init", ExitCodes.NoRepository, e);
            if (handle is { } h && (s.StatusCode == HttpStatusCode.NotFound || code == "NoSuchKey"))
                return new StorageNotFoundException($"{h} does not exist in {where}", e);
            if (s.StatusCode == HttpStatusCode.Forbidden || (code is not null && CredentialCodes.Contains(code)))
                return new CoffreException($"the S3 server at {backend.S3.Endpoint} refused the request ({code ?? "403"}): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket's permissions", ExitCodes.Fatal, e);
            var status = (int)s.StatusCode;
            if (status >= 500 || status == 429 || code is "SlowDown" or "RequestTimeout" or "InternalError")
                return new TransientStorageException($"the S3 server failed to {what} {Subject(handle)} in {where}: HTTP {status} {code} (temporary, try again)", e);
            return new IOException($"the S3 server refused to {what} {Subject(handle)} in {where}: HTTP {status} {code} {Clean(s.Message)}", e);
        }
        if (e is System.Xml.XmlException or FormatException)
            return new IOException($"the S3 server's reply to '{what}' for {Subject(handle)} in {where} cannot be read ({Clean(e.Message)}): is this an S3 server?", e);
        // No reply, a cut connection, a timeout (an OperationCanceledException the caller did not ask for).
        return new TransientStorageException($"could not {what} {Subject(handle)} in {where}: {Describe(e)} (temporary, try again)", e);
    }

    private static string Subject(StorageHandle? h) => h is { } x ? x.ToString() : "objects";

    private static string Describe(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is SocketException se) return $"{se.SocketErrorCode}";
        return e is OperationCanceledException ? "no answer in time" : Clean(e.Message) ?? e.GetType().Name;
    }

    /// <summary>The first line, at most 160 characters, without control characters.</summary>
    internal static string? Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var line = text.Split('\n')[0];
        var chars = line.Where(c => !char.IsControl(c)).Take(160).ToArray();
        return new string(chars);
    }
}

using System.Globalization;

namespace Coffre.Storage.S3;

/// <summary>
/// Where an S3 repository lives, in restic's syntax: <c>s3:https://host[:port]/bucket[/prefix]</c> or
/// <c>s3:http://…</c> (path-style addressing: the bucket is the first path element, never a host name).
/// <c>s3:host/bucket</c> without a scheme means https, as in restic. Credentials never appear here: they come from
/// the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the region from AWS_DEFAULT_REGION.
/// </summary>
public sealed record S3Location(bool UseHttps, string Host, int? Port, string Bucket, string Prefix)
{
    public const string SchemePrefix = "s3:";

    /// <summary>The endpoint the SDK talks to, e.g. <c>http://127.0.0.1:7480</c>.</summary>
    public string Endpoint => $"{(UseHttps ? "https" : "http")}://{HostForUri}{(Port is { } p ? ":" + p.ToString(CultureInfo.InvariantCulture) : "")}";

    private string HostForUri => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;

    public override string ToString() => $"{SchemePrefix}{Endpoint}/{Bucket}{(Prefix.Length > 0 ? "/" + Prefix : "")}";

    public static bool IsS3(string location) => location.StartsWith(SchemePrefix, StringComparison.Ordinal);

    /// <summary>Parses a location; a malformed one raises a <see cref="CoffreException"/> saying what is wrong.</summary>
    public static S3Location Parse(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!IsS3(location)) throw Bad(location, "it does not start with s3:");
        var rest = location[SchemePrefix.Length..];
        var https = true;
        if (rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) rest = rest[8..];
        else if (rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) { https = false; rest = rest[7..]; }
        else if (rest.Contains("://", StringComparison.Ordinal)) throw Bad(location, "only http:// and https:// endpoints are supported");

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[(slash + 1)..];
        // Not echoed: what precedes '@' may be a secret.
        if (authority.Contains('@', StringComparison.Ordinal))
            throw new CoffreException("invalid S3 location: credentials do not belong in it (user:password@host): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead", ExitCodes.Fatal);
        var (host, port) = SplitAuthority(location, authority);

        if (path.Contains('?', StringComparison.Ordinal) || path.Contains('#', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal))
            throw Bad(location, "the bucket and prefix may not hold '?', '#' or '\\'");
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw Bad(location, "it names no bucket (s3:https://host[:port]/bucket[/prefix])");
        var bucket = parts[0];
        if (!IsBucketName(bucket)) throw Bad(location, $"'{bucket}' is not a valid bucket name (3 to 63 characters: lowercase letters, digits, '.', '-', '_')");
        foreach (var p in parts.Skip(1))
            if (p is "." or ".." || p.Any(char.IsControl)) throw Bad(location, $"the prefix element '{p}' is not allowed");
        return new S3Location(https, host, port, bucket, string.Join('/', parts.Skip(1)));
    }

    private static (string Host, int? Port) SplitAuthority(string location, string authority)
    {
        if (authority.Length == 0) throw Bad(location, "it names no host (s3:https://host[:port]/bucket[/prefix])");
        string host;
        string? port = null;
        if (authority.StartsWith('['))
        {
            var end = authority.IndexOf(']', StringComparison.Ordinal);
            if (end < 0) throw Bad(location, "the IPv6 address has no closing ']'");
            host = authority[1..end];
            var after = authority[(end + 1)..];
            if (after.Length > 0)
            {
                if (!after.StartsWith(':')) throw Bad(location, "unexpected text after the IPv6 address");
                port = after[1..];
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            if (colon >= 0) port = authority[(colon + 1)..];
        }
        if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown) throw Bad(location, $"'{host}' is not a host name");
        if (port is null) return (host, null);
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 65535)
            throw Bad(location, $"'{port}' is not a port number");
        return (host, n);
    }

    /// <summary>S3's bucket naming rules, relaxed to what Ceph also accepts ('_').</summary>
    private static bool IsBucketName(string s) =>
        s.Length is >= 3 and <= 63 && !s.AsSpan().ContainsAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789.-_")
        && char.IsAsciiLetterOrDigit(s[0]) && char.IsAsciiLetterOrDigit(s[^1]);

    private static CoffreException Bad(string location, string why) =>
        new($"invalid S3 location '{location}': {why}", ExitCodes.Fatal);
}

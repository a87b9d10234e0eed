using Coffre.Storage.S3;
using S3Location = Coffre.Storage.S3.S3Location;

namespace Coffre.IntegrationTests.Storage.S3;

/// <summary>restic's <c>s3:</c> location syntax (no server needed).</summary>
public sealed class S3LocationTests
{
    [Theory]
    [InlineData("s3:https://s3.example.org/bucket", true, "s3.example.org", null, "bucket", "", "s3:https://s3.example.org/bucket")]
    [InlineData("s3:http://127.0.0.1:7480/test-bucket/repos/shop/", false, "127.0.0.1", 7480, "test-bucket", "repos/shop", "s3:http://127.0.0.1:7480/test-bucket/repos/shop")]
    [InlineData("s3:s3.amazonaws.com/my.bucket//a", true, "s3.amazonaws.com", null, "my.bucket", "a", "s3:https://s3.amazonaws.com/my.bucket/a")]
    [InlineData("s3:http://[::1]:9000/b_1-x/p", false, "::1", 9000, "b_1-x", "p", "s3:http://[::1]:9000/b_1-x/p")]
    public void Parses_restic_locations(string text, bool https, string host, int? port, string bucket, string prefix, string printed)
    {
        var l = S3Location.Parse(text);
        Assert.Equal(new S3Location(https, host, port, bucket, prefix), l);
        Assert.Equal(printed, l.ToString());
        Assert.Equal(l, S3Location.Parse(l.ToString()));
    }

    [Theory]
    [InlineData("s3:", "no host")]
    [InlineData("s3:http://host", "no bucket")]
    [InlineData("s3:http://host/", "no bucket")]
    [InlineData("s3:ftp://host/bucket", "http:// and https://")]
    [InlineData("s3:http://host:0/bucket", "port")]
    [InlineData("s3:http://host:99999/bucket", "port")]
    [InlineData("s3:http://host:x/bucket", "port")]
    [InlineData("s3:http://host/Bucket", "bucket name")]
    [InlineData("s3:http://host/ab", "bucket name")]
    [InlineData("s3:http://host/bucket/../other", "prefix")]
    [InlineData("s3:http://host/bucket/a?x=1", "'?'")]
    [InlineData("local:/srv/repo", "s3:")]
    public void Refuses_malformed_locations_with_a_reason(string text, string reason)
    {
        var e = Assert.Throws<CoffreException>(() => S3Location.Parse(text));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Fatal, e.ExitCode);
    }

    [Fact]
    public void Credentials_in_the_location_are_refused_and_not_echoed()
    {
        var e = Assert.Throws<CoffreException>(() => S3Location.Parse("s3:https://AKIA:sup3rsecret@host/bucket"));
        Assert.DoesNotContain("sup3rsecret", e.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_SECRET_ACCESS_KEY", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_needs_both_keys_and_contacts_nobody()
    {
        var l = S3Location.Parse("s3:http://127.0.0.1:1/bucket/p");
        var e = Assert.Throws<CoffreException>(() => S3Backend.Open(l, new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "id" }));
        Assert.Contains("AWS_SECRET_ACCESS_KEY", e.Message, StringComparison.Ordinal);
        using var backend = S3Backend.Open(l, new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "id", ["AWS_SECRET_ACCESS_KEY"] = "s", ["AWS_SESSION_TOKEN"] = "t" });
        Assert.Equal("s3:http://127.0.0.1:1/bucket/p", backend.Location);
        Assert.Equal("p/config", backend.KeyOf(Coffre.Storage.StorageHandle.Config));
        Assert.Throws<ArgumentException>(() => backend.KeyOf(new Coffre.Storage.StorageHandle(Coffre.Storage.FileType.Pack, "../../etc")));
    }
}

using Coffre.Configuration;
using Coffre.Tests.Configuration;

namespace Coffre.Tests.Storage;

/// <summary>coffre.json's repository section: <c>location</c> (restic's syntax), <c>path</c> as before, <c>state</c>.</summary>
public sealed class RepositoryConfigTests : IDisposable
{
    private readonly ConfigFixture _f = new();

    public RepositoryConfigTests() => Directory.CreateDirectory(_f.PathOf("m"));

    public void Dispose() => _f.Dispose();

    [Fact]
    public void PathStillWorksAndBecomesTheLocation()
    {
        var c = _f.Load("""{ "application": "a", "media": [ { "path": "m" } ], "repository": { "path": "store", "passwordEnv": "P" } }""");
        Assert.Equal(_f.PathOf("store"), c.Repository.Path);
        Assert.Equal(_f.PathOf("store"), c.Repository.Location);
        Assert.Empty(ConfigValidator.Validate(c));
    }

    [Fact]
    public void ALocalLocationIsResolvedAgainstTheConfigurationsFolder()
    {
        var c = _f.Load("""{ "application": "a", "media": [ { "path": "m" } ], "repository": { "location": "local:there", "passwordEnv": "P" } }""");
        Assert.Equal(_f.PathOf("there"), c.Repository.Path);
        Assert.Equal(_f.PathOf("there"), c.Repository.LocationInForce);
    }

    [Fact]
    public void ARemoteLocationHasNoPathAndWinsOverPath()
    {
        var c = _f.Load("""{ "application": "a", "media": [ { "path": "m" } ], "repository": { "location": "s3:https://ceph:7480/bucket", "path": "x", "passwordEnv": "P", "state": "st" } }""");
        Assert.Null(c.Repository.Path);
        Assert.Equal("s3:https://ceph:7480/bucket", c.Repository.LocationInForce);
        Assert.Equal(_f.PathOf("st"), c.Repository.State);
        Assert.Empty(ConfigValidator.Validate(c));
    }

    [Fact]
    public void AnEmptySchemeIsReportedOnItsKey()
    {
        var c = _f.Load("""{ "application": "a", "media": [ { "path": "m" } ], "repository": { "location": "rest:", "passwordEnv": "P" } }""");
        var e = Assert.Single(ConfigValidator.Validate(c));
        Assert.Equal("repository.location", e.Key);
    }
}

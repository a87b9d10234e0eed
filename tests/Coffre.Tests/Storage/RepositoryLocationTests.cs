using Coffre.Configuration;
using Coffre.Storage;
using Coffre.Storage.Local;

namespace Coffre.Tests.Storage;

public sealed class RepositoryLocationTests
{
    [Theory]
    [InlineData("/srv/backups", "local", "/srv/backups")]
    [InlineData("local:/srv/backups", "local", "/srv/backups")]
    [InlineData("relative/folder", "local", "relative/folder")]
    [InlineData("s3:https://ceph:7480/bucket/prefix", "s3", "https://ceph:7480/bucket/prefix")]
    [InlineData("rest:http://u:p@host:8000/", "rest", "http://u:p@host:8000/")]
    [InlineData("rclone:onedrive:backups/coffre", "rclone", "onedrive:backups/coffre")]
    [InlineData("sftp:me@host:/srv/repo", "sftp", "me@host:/srv/repo")]
    [InlineData("weird:thing", "local", "weird:thing")] // an unknown scheme is a path, as in restic
    public void ParsesEachKind(string given, string kind, string text)
    {
        var l = RepositoryLocation.Parse(given);
        Assert.Equal(kind, l.Kind);
        Assert.Equal(text, l.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("s3:")]
    [InlineData("local:")]
    public void RefusesAnEmptyLocation(string given)
    {
        var e = Assert.Throws<CoffreException>(() => RepositoryLocation.Parse(given));
        Assert.Equal(ExitCodes.NoRepository, e.ExitCode);
    }

    [Fact]
    public void NeverShowsAPasswordInAUrl()
    {
        var l = RepositoryLocation.Parse("rest:https://alice:s3cret@host:8000/repo");
        Assert.DoesNotContain("s3cret", l.ToString(), StringComparison.Ordinal);
        Assert.Equal("rest:https://alice:***@host:8000/repo", l.ToString());
    }

    [Theory]
    [InlineData("s3")]
    [InlineData("rest")]
    [InlineData("rclone")]
    [InlineData("sftp")]
    [InlineData("local")]
    public void EveryKindIsAvailableInThisBuild(string kind) => Assert.True(BackendOpener.IsAvailable(kind));

    [Fact]
    public void AnUnknownKindIsRefusedPlainly()
    {
        var e = Assert.ThrowsAny<CoffreException>(() => BackendOpener.Open(new RepositoryLocation("ftp", "host/x"), new Dictionary<string, string?>()));
        Assert.Equal(ExitCodes.NoRepository, e.ExitCode);
    }

    [Fact]
    public async Task TheOpenerDecoratesALocalBackendAndKeepsItsProperties()
    {
        var dir = Directory.CreateTempSubdirectory("coffre-opener-").FullName;
        try
        {
            var backend = BackendOpener.Open("local:" + Path.Combine(dir, "repo"), new Dictionary<string, string?>());
            Assert.IsType<RetryingBackend>(backend);
            Assert.Equal(Path.Combine(dir, "repo"), backend.Properties.LocalFolder);
            Assert.Equal(Path.Combine(dir, "repo", "data"), backend.Properties.StagingFolder);
            await backend.CreateAsync(default);
            Assert.True(Directory.Exists(Path.Combine(dir, "repo", "data", "ff")));
            Assert.True((await backend.CapacityAsync(default)).IsKnown);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void RetryDelaysGrowAndStopAtTheirCap()
    {
        var p = RetryPolicy.Default with { Jitter = 0 };
        Assert.Equal(TimeSpan.FromMilliseconds(500), p.DelayBefore(1, 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(750), p.DelayBefore(2, 0.5));
        Assert.Equal(TimeSpan.FromMinutes(1), p.DelayBefore(40, 0.5));
        var jittered = RetryPolicy.Default;
        Assert.Equal(TimeSpan.FromMilliseconds(250), jittered.DelayBefore(1, 0));
    }
}

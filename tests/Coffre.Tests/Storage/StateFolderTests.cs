using Coffre.Journal;
using Coffre.Storage;
using Coffre.Tests.Configuration;

namespace Coffre.Tests.Storage;

/// <summary>One resolver for local state: beside a local repository as always, per repository under $XDG_STATE_HOME for a remote one.</summary>
public sealed class StateFolderTests
{
    private static readonly Dictionary<string, string?> Env = new() { ["XDG_STATE_HOME"] = "/home/u/.state", ["HOME"] = "/home/u" };

    [Fact]
    public void ALocalRepositoryKeepsItsLogsBesideItsFolder()
    {
        Assert.Equal("/srv/boutique", StateFolder.Resolve(null, "/srv/boutique/backups", Env));
        Assert.Equal("/srv/boutique", StateFolder.Resolve(null, "local:/srv/boutique/backups/", Env));
        Assert.Equal("/srv/boutique/logs", LogPaths.Resolve(null, "/srv/boutique/backups"));
    }

    [Fact]
    public void ARemoteRepositoryGetsItsOwnFolderUnderXdgStateHomeWithoutItsCredentials()
    {
        if (Coffre.Platform.Posix.EffectiveUserId == 0)
        {
            Assert.StartsWith("/var/lib/coffre/rest-", StateFolder.Resolve(null, "rest:https://u:pw@host:8000/", Env));
            return;
        }
        var a = StateFolder.Resolve(null, "rest:https://u:pw@host:8000/", Env)!;
        var b = StateFolder.Resolve(null, "rest:https://u:other@host:8000/", Env)!;
        var c = StateFolder.Resolve(null, "s3:https://host/bucket", Env)!;
        Assert.StartsWith("/home/u/.state/coffre/rest-", a, StringComparison.Ordinal);
        Assert.Equal(a, b); // the password is not part of the identity
        Assert.StartsWith("/home/u/.state/coffre/s3-", c, StringComparison.Ordinal);
        Assert.NotEqual(Path.GetFileName(a), Path.GetFileName(c)[..]);
        Assert.DoesNotContain("pw", a, StringComparison.Ordinal);
    }

    [Fact]
    public void AConfiguredStateFolderWinsAndHoldsTheLogs()
    {
        Assert.Equal("/var/coffre-state", StateFolder.Resolve("/var/coffre-state", "s3:https://host/b", Env));
        using var f = new ConfigFixture();
        Directory.CreateDirectory(f.PathOf("m"));
        var c = f.Load("""{ "application": "a", "media": [ { "path": "m" } ], "repository": { "location": "s3:https://h/b", "passwordEnv": "P", "state": "st" } }""");
        Assert.Equal(f.PathOf("st/logs"), c.Logging.Path);
    }
}

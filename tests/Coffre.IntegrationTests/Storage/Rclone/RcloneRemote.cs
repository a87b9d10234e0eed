using Coffre.IntegrationTests.Infrastructure;
using Coffre.Storage;
using Coffre.Storage.Rclone;

namespace Coffre.IntegrationTests.Storage.Rclone;

/// <summary>
/// A local rclone remote defined only by variables (<c>RCLONE_CONFIG_MYLOCAL_TYPE=local</c>, no config file), over
/// a fresh temp folder: what <c>rclone:mylocal:FOLDER</c> reaches, for Coffre and for restic alike.
/// </summary>
internal sealed class RcloneRemote : IDisposable
{
    private readonly TestDirectory _dir = new("rclone");

    public RcloneRemote()
    {
        Assert.True(File.Exists("/usr/bin/rclone"), "/usr/bin/rclone is missing: the rclone tests need Debian's rclone (test.sh installs it)");
        Root = _dir.Sub("remote-folder");
    }

    /// <summary>The folder behind the remote (rclone creates it).</summary>
    public string Root { get; }

    public string Location => $"rclone:mylocal:{Root}";

    /// <summary>rclone's environment: the remote, no config file, PATH to find rclone.</summary>
    public Dictionary<string, string?> Environment(params (string Key, string Value)[] more)
    {
        var env = new Dictionary<string, string?>
        {
            ["PATH"] = "/usr/bin:/bin",
            ["HOME"] = _dir.Path,
            ["RCLONE_CONFIG"] = _dir.Sub("no-rclone.conf"),
            ["RCLONE_CONFIG_MYLOCAL_TYPE"] = "local",
        };
        foreach (var (k, v) in more) env[k] = v;
        return env;
    }

    public Coffre.Storage.Rest.RestBackend Open(params (string Key, string Value)[] more) => (Coffre.Storage.Rest.RestBackend)RcloneBackend.Open(RcloneLocation.Parse(Location), Environment(more));

    /// <summary>restic 0.14 on the same remote through its own rclone backend.</summary>
    public ResticRunner Restic()
    {
        var restic = new ResticRunner(Location);
        foreach (var (k, v) in Environment()) restic.Environment[k] = v;
        return restic;
    }

    public void Dispose() => _dir.Dispose();
}

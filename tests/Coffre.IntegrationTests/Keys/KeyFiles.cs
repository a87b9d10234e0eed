using System.Text;
using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Keys;

/// <summary>Helpers for the key tests: password files as users keep them (0600), key file names, key lists.</summary>
internal static class KeyFiles
{
    /// <summary>Writes <paramref name="password"/> (plus a newline, as editors do) to a 0600 file and returns its path.</summary>
    public static string PasswordFile(TestDirectory dir, string password, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = dir.Sub("password-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(path, password + "\n", new UTF8Encoding(false)); // no BOM: it would be part of the password
        File.SetUnixFileMode(path, mode);
        return path;
    }

    public static List<string> Names(string repository) => RepoInspector.Names(repository, "keys");

    /// <summary><c>coffre key list --json</c>.</summary>
    public static List<JsonElement> List(CoffreRunner coffre) => [.. coffre.Json("key", "list").EnumerateArray()];

    /// <summary>restic opens the repository with this password and lists the same snapshots as Coffre.</summary>
    public static void AssertResticOpens(string repository, string password, int snapshots)
    {
        var restic = new ResticRunner(repository, password);
        Assert.Equal(snapshots, restic.Snapshots().Count);
    }

    /// <summary>restic refuses this password.</summary>
    public static void AssertResticRefuses(string repository, string password)
    {
        var r = new ResticRunner(repository, password).Run("snapshots");
        Assert.True(r.ExitCode != 0 && r.StdErr.Contains("wrong password", StringComparison.OrdinalIgnoreCase), $"restic should refuse the password\n{r.Describe()}");
    }
}

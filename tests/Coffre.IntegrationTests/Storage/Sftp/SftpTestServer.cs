using System.Globalization;
using Coffre.IntegrationTests.Sources;
using Coffre.Storage.Sftp;

namespace Coffre.IntegrationTests.Storage.Sftp;

/// <summary>
/// The private OpenSSH server ./test.sh starts (tests/sshd.sh) and exports as COFFRE_TEST_SFTP_*: how Coffre and
/// restic reach it (the same key, known_hosts and port for both), and a fresh repository folder per test.
/// </summary>
internal static class SftpTestServer
{
    public static string Var(string key) => TestServers.Env($"COFFRE_TEST_SFTP_{key}") ?? throw new InvalidOperationException(
        $"COFFRE_TEST_SFTP_{key} is not set: run the tests through ./test.sh (tests/sshd.sh starts a private sshd)");

    public static string Host => Var("HOST");
    public static int Port => int.Parse(Var("PORT"), CultureInfo.InvariantCulture);
    public static string User => Var("USER");

    /// <summary>The ssh options both Coffre (COFFRE_SFTP_ARGS) and restic (sftp.command) use: no user or system ssh config.</summary>
    public static string SshOptions(string? identity = null) =>
        $"-F /dev/null -o IdentitiesOnly=yes -i {identity ?? Var("IDENTITY")} -o UserKnownHostsFile={Var("KNOWN_HOSTS")} -o StrictHostKeyChecking=yes -o ConnectTimeout=10";

    /// <summary>The environment Coffre gets: PATH and HOME to find ssh, the options, and secrets that must not reach ssh.</summary>
    public static Dictionary<string, string?> Environment(string? identity = null) => new()
    {
        ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
        ["HOME"] = System.Environment.GetEnvironmentVariable("HOME"),
        [SftpCommandLine.ArgsVariable] = SshOptions(identity),
        ["RESTIC_PASSWORD"] = "must-not-reach-ssh",
    };

    /// <summary>A new, not yet existing repository folder on the server (the server is this machine).</summary>
    public static string NewRepositoryPath() => Path.Combine(Var("ROOT"), Guid.NewGuid().ToString("N"));

    public static SftpLocation Location(string path) => SftpLocation.Parse($"sftp://{User}@{Host}:{Port}/{path}");

    /// <summary>restic's <c>-o sftp.command=…</c> for the same server and key.</summary>
    public static string ResticSftpCommand() => $"ssh {SshOptions()} -o BatchMode=yes -p {Port} {User}@{Host} -s sftp";

    /// <summary>Removes a repository folder the tests made (objects are read-only; the folder is ours).</summary>
    public static void Remove(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }
}

/// <summary>A test that needs the private sshd: skipped with a reason when absent, except in CI.</summary>
public sealed class SftpFactAttribute : FactAttribute
{
    public SftpFactAttribute()
    {
        if (TestServers.InCi) return;
        if (TestServers.Env("COFFRE_TEST_SFTP_PORT") is null)
            Skip = "needs the private sshd that ./test.sh starts (COFFRE_TEST_SFTP_* not set; CI=true makes this a failure)";
    }
}

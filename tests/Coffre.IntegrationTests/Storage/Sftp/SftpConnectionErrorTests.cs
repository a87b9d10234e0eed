using Coffre.Storage;
using System.Net;
using System.Net.Sockets;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Storage.Sftp;

namespace Coffre.IntegrationTests.Storage.Sftp;

/// <summary>
/// What a person gets wrong when setting up SFTP: the wrong key, an unknown host key, nothing listening, no ssh.
/// Each gives one line naming the location and what ssh said; no secret of the environment reaches ssh.
/// </summary>
public sealed class SftpConnectionErrorTests : IDisposable
{
    private readonly TestDirectory _dir = new("sftp-errors");
    private readonly string _path = SftpTestServer.NewRepositoryPath();

    public void Dispose()
    {
        SftpTestServer.Remove(_path);
        _dir.Dispose();
    }

    private static async Task<IOException> FailsAsync(SftpBackend backend)
    {
        var e = await Assert.ThrowsAnyAsync<IOException>(() => backend.ExistsAsync(default));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("cannot open the SFTP repository sftp:", e.Message, StringComparison.Ordinal);
        return e;
    }

    [SftpFact]
    public async Task A_key_the_server_does_not_know_is_refused_clearly()
    {
        var key = _dir.Sub("other_key");
        var keygen = ProcessRunner.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key], new Dictionary<string, string?>());
        Assert.True(keygen.ExitCode == 0, keygen.Describe());
        using var backend = SftpBackend.Open(SftpTestServer.Location(_path), SftpTestServer.Environment(identity: key), SftpBackend.DefaultTimeout);
        var e = await FailsAsync(backend);
        Assert.Contains("Permission denied (publickey)", e.Message, StringComparison.Ordinal);
        Assert.Contains("ssh exited with code 255", e.Message, StringComparison.Ordinal);
    }

    [SftpFact]
    public async Task An_unknown_host_key_is_refused_clearly()
    {
        var env = SftpTestServer.Environment();
        var emptyKnownHosts = _dir.Sub("known_hosts");
        await File.WriteAllTextAsync(emptyKnownHosts, "");
        env[SftpCommandLine.ArgsVariable] = env[SftpCommandLine.ArgsVariable]!.Replace(SftpTestServer.Var("KNOWN_HOSTS"), emptyKnownHosts, StringComparison.Ordinal);
        using var backend = SftpBackend.Open(SftpTestServer.Location(_path), env, SftpBackend.DefaultTimeout);
        var e = await FailsAsync(backend);
        Assert.Contains("Host key verification failed", e.Message, StringComparison.Ordinal);
    }

    [SftpFact]
    public async Task Nothing_listening_is_refused_clearly()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var location = SftpLocation.Parse($"sftp://{SftpTestServer.User}@127.0.0.1:{port}//srv/repo");
        using var backend = SftpBackend.Open(location, SftpTestServer.Environment(), SftpBackend.DefaultTimeout);
        var e = await FailsAsync(backend);
        Assert.Contains("Connection refused", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_ssh_command_is_named()
    {
        var env = new Dictionary<string, string?> { [SftpCommandLine.CommandVariable] = "/nonexistent/ssh -s sftp" };
        using var backend = SftpBackend.Open(SftpLocation.Parse("sftp:host:/repo"), env, SftpBackend.DefaultTimeout);
        var e = await FailsAsync(backend);
        Assert.Contains("could not start '/nonexistent/ssh'", e.Message, StringComparison.Ordinal);
    }

    [SftpFact]
    public async Task Ssh_gets_only_what_it_needs_from_the_environment()
    {
        // COFFRE_SFTP_COMMAND: a wrapper that records its environment, then runs the real ssh.
        var wrapper = _dir.Sub("wrapper.sh");
        var envFile = _dir.Sub("env.txt");
        var pidFile = _dir.Sub("pid");
        await File.WriteAllTextAsync(wrapper, $"env > {envFile}\necho $$ >> {pidFile}\nexec ssh \"$@\"\n");
        var env = SftpTestServer.Environment();
        env["AWS_SECRET_ACCESS_KEY"] = "also-secret";
        env["COFFRE_PASSWORD"] = "secret-too";
        env["SSH_AUTH_SOCK"] = "/nonexistent/agent.sock";
        env[SftpCommandLine.CommandVariable] = $"/bin/bash {wrapper} {SftpTestServer.SshOptions()} -o BatchMode=yes -p {SftpTestServer.Port} -l {SftpTestServer.User} -s -- {SftpTestServer.Host} sftp";
        using (var backend = SftpBackend.Open(SftpTestServer.Location(_path), env, SftpBackend.DefaultTimeout))
        {
            Assert.False(await backend.ExistsAsync(default));
            await backend.CreateAsync(default);
            Assert.True(Directory.Exists(Path.Combine(_path, "keys")));

            // ssh dies in the middle of a save: that save fails in one line, leaves only a temp file, and the next
            // call reconnects.
            var first = int.Parse(File.ReadAllLines(pidFile)[0], System.Globalization.CultureInfo.InvariantCulture);
            var data = new byte[32 * 1024 * 1024];
            Random.Shared.NextBytes(data);
            var h = new Coffre.Storage.StorageHandle(Coffre.Storage.FileType.Pack, Coffre.Model.BlobId.Hash(data).ToString());
            var save = backend.SaveAsync(h, data, default);
            for (var i = 0; i < 3000 && Directory.GetFiles(Path.Combine(_path, "data"), "*-tmp-*", SearchOption.AllDirectories).Length == 0; i++) await Task.Delay(10);
            System.Diagnostics.Process.GetProcessById(first).Kill();
            var lost = await Assert.ThrowsAnyAsync<IOException>(() => save);
            Assert.Contains("the SFTP connection to sftp://", lost.Message, StringComparison.Ordinal);
            Assert.Contains("was lost: ssh exited", lost.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', lost.Message);
            Assert.Null(await backend.StatAsync(h, default));
            Assert.Equal(1, await backend.RemoveLeftoversAsync(default));
            await backend.SaveAsync(h, data, default);
            Assert.Equal(data.Length, await backend.StatAsync(h, default));
            Assert.Equal(2, File.ReadAllLines(pidFile).Length);
        }
        // Disposed: no ssh left behind.
        foreach (var pid in File.ReadAllLines(pidFile).Select(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture)))
        {
            for (var i = 0; i < 100 && IsRunning(pid); i++) await Task.Delay(50);
            Assert.False(IsRunning(pid), $"ssh (pid {pid}) still runs after the backend was disposed");
        }
        var seen = await File.ReadAllTextAsync(envFile);
        Assert.DoesNotContain("must-not-reach-ssh", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("also-secret", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-too", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("COFFRE_SFTP", seen, StringComparison.Ordinal);
        Assert.Contains("SSH_AUTH_SOCK=/nonexistent/agent.sock", seen, StringComparison.Ordinal);
        Assert.Contains("HOME=", seen, StringComparison.Ordinal);
    }

    private static bool IsRunning(int pid) =>
        Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
}

using Coffre.IntegrationTests.Infrastructure;
using Coffre.Storage.Sftp;

namespace Coffre.IntegrationTests.Storage.Sftp;

/// <summary>
/// A hostile or broken peer, played by a fake "ssh" (COFFRE_SFTP_COMMAND running a small bash script that writes
/// raw bytes): huge lengths, short packets, replies to ids never sent, lies inside a reply, silence, a sudden exit.
/// Each must give one clear line, keep memory bounded, never hang, and leave no child process behind.
/// Serial: the memory bound is measured on the whole process.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class SftpHostilePeerTests : IDisposable
{
    /// <summary>SSH_FXP_VERSION 3, no extensions: a well-behaved greeting.</summary>
    private const string Version = @"\x00\x00\x00\x05\x02\x00\x00\x00\x03";

    /// <summary>Takes INIT, greets, then takes the first request (STAT /repo/config, 25 bytes): what follows answers request 1.</summary>
    private const string UpToFirstRequest = $"head -c 9 >/dev/null; printf '{Version}'; head -c 25 >/dev/null; ";

    private readonly TestDirectory _dir = new("sftp-hostile");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string, string> Peers => new()
    {
        { "huge length", $"printf '{Version}\\xff\\xff\\xff\\xf0\\x65'; sleep 60", "sent a packet of 4294967280 bytes" },
        { "a shell banner instead of SFTP", "echo 'Welcome to your shell'; sleep 60", "sent a packet of 1466264675 bytes" },
        { "wrong greeting", @"printf '\x00\x00\x00\x05\x65\x00\x00\x00\x00'; sleep 60", "it is not an SFTP server" },
        { "wrong version", @"printf '\x00\x00\x00\x05\x02\x00\x00\x00\x06'; sleep 60", "speaks version 6, not 3" },
        { "short packet", $"printf '{Version}\\x00\\x00\\x00\\x02\\x65\\x00'; sleep 60", "too short for a reply" },
        { "reply to an id never sent", $"printf '{Version}\\x00\\x00\\x00\\x09\\x65\\x00\\x00\\x03\\xe7\\x00\\x00\\x00\\x00'; sleep 60", "answered request 999, which was never sent" },
        { "extended attribute count beyond the packet", UpToFirstRequest + $"printf '\\x00\\x00\\x00\\x0d\\x69\\x00\\x00\\x00\\x01\\x80\\x00\\x00\\x00\\xff\\xff\\xff\\xff'; sleep 60", "4294967295 extended attributes" },
        { "string longer than its packet", UpToFirstRequest + $"printf '\\x00\\x00\\x00\\x0d\\x65\\x00\\x00\\x00\\x01\\x00\\x00\\x00\\x04\\x7f\\xff\\xff\\xff'; sleep 60", "a string of 2147483647 bytes" },
        { "wrong reply type", UpToFirstRequest + $"printf '\\x00\\x00\\x00\\x09\\x66\\x00\\x00\\x00\\x01\\x00\\x00\\x00\\x00'; sleep 60", "answered a stat request with a packet of type 102" },
        { "truncated packet then exit", $"printf '{Version}\\x00\\x00\\x01\\x00\\x65\\x00'; exit 0", "closed the connection in the middle of a packet" },
        { "ssh fails at once", "echo 'ssh: connect to host example port 22: Connection refused' >&2; exit 255", "ssh exited with code 255: ssh: connect to host example port 22: Connection refused" },
        { "silent peer", "sleep 60", "did not answer within 2 s" },
    };

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task A_broken_peer_gives_a_clear_error_bounded_memory_and_no_hang(string peer, string script, string expected)
    {
        var pidFile = _dir.Sub("pid");
        var scriptPath = _dir.Sub("fake-ssh.sh");
        await File.WriteAllTextAsync(scriptPath, $"echo $$ > {pidFile}\n{script}\n");
        var environment = new Dictionary<string, string?>
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH"),
            [SftpCommandLine.CommandVariable] = $"/bin/bash {scriptPath}",
        };
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using (var backend = SftpBackend.Open(SftpLocation.Parse("sftp:user@example:/repo"), environment, TimeSpan.FromSeconds(2)))
        {
            var e = await Assert.ThrowsAnyAsync<IOException>(() => backend.ExistsAsync(default));
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
            Assert.Contains("sftp:user@example:/repo", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
            // The connection stays refused for later calls too, each with a clear error (a new ssh each time).
            await Assert.ThrowsAnyAsync<IOException>(() => backend.StatAsync(Coffre.Storage.StorageHandle.Config, default));
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.True(allocated < 64L * 1024 * 1024, $"{peer}: {allocated} bytes allocated");
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < 100 && Directory.Exists($"/proc/{pid}"); i++) await Task.Delay(50);
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal),
            $"{peer}: the fake ssh (pid {pid}) is still running after the backend was disposed");
    }
}

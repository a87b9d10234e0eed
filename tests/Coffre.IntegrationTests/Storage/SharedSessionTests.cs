using Coffre.IntegrationTests.Storage.Rclone;
using Coffre.IntegrationTests.Storage.Sftp;
using Coffre.Storage;

namespace Coffre.IntegrationTests.Storage;

/// <summary>
/// Backends opened through the opener are disposable, and the rclone and sftp sessions they share are counted: two
/// users of one location share one child, the child lives while either holds its backend, ends when the last one
/// disposes it, and the next open starts a new one. Children are found in /proc by a marker in their environment
/// (a variable both rclone and ssh get), so tests running beside these never count.
/// </summary>
public sealed class SharedSessionTests
{
    private const string Marker = "SSH_COFFRE_SESSION_MARK";

    private static List<int> ChildrenMarked(string mark)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || !IsRunning(pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains($"{Marker}={mark}")) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    private static bool IsRunning(int pid)
    {
        try { return !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z'); }
        catch (IOException) { return false; }
    }

    private static async Task AssertSharedAndEndedByTheLastUserAsync(string location, Dictionary<string, string?> environment, string mark)
    {
        var first = BackendOpener.Open(location, environment);
        var second = BackendOpener.Open(location, environment);
        await first.CreateAsync(default);
        Assert.False(await second.ExistsAsync(default));
        var child = Assert.Single(ChildrenMarked(mark));

        await first.DisposeAsync();
        await first.DisposeAsync(); // a second dispose of the same backend gives nothing back twice
        Assert.True(IsRunning(child), "the child ended while a user still held its backend");
        Assert.False(await second.ExistsAsync(default));
        Assert.Equal([child], ChildrenMarked(mark));

        await second.DisposeAsync();
        // Disposing waits for the child to exit (rclone: its input closed; ssh: killed); the kernel may show it a moment longer.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (IsRunning(child) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(IsRunning(child), $"child {child} still runs after its last user disposed its backend");
        Assert.Empty(ChildrenMarked(mark));

        var third = BackendOpener.Open(location, environment);
        Assert.False(await third.ExistsAsync(default));
        Assert.NotEqual(child, Assert.Single(ChildrenMarked(mark)));
        await third.DisposeAsync();
    }

    [Fact]
    public async Task An_rclone_child_is_shared_and_ends_when_its_last_user_disposes()
    {
        using var remote = new RcloneRemote();
        var mark = Guid.NewGuid().ToString("N");
        await AssertSharedAndEndedByTheLastUserAsync(remote.Location, remote.Environment((Marker, mark)), mark);
    }

    [SftpFact]
    public async Task An_ssh_child_is_shared_and_ends_when_its_last_user_disposes()
    {
        var path = SftpTestServer.NewRepositoryPath();
        try
        {
            var mark = Guid.NewGuid().ToString("N");
            var environment = SftpTestServer.Environment();
            environment[Marker] = mark;
            await AssertSharedAndEndedByTheLastUserAsync($"sftp://{SftpTestServer.User}@{SftpTestServer.Host}:{SftpTestServer.Port}/{path}", environment, mark);
        }
        finally
        {
            SftpTestServer.Remove(path);
        }
    }
}

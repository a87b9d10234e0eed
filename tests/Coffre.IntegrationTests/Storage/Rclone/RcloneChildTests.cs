using Coffre.Storage;
using Coffre.Storage.Rclone;

namespace Coffre.IntegrationTests.Storage.Rclone;

/// <summary>
/// The child <c>rclone serve restic --stdio</c>: a remote rclone cannot open and a child that dies give a clear
/// error with rclone's own words; the child never sees the repository's passwords; dispose stops it.
/// </summary>
public sealed class RcloneChildTests : IDisposable
{
    private readonly RcloneRemote _remote = new();

    public void Dispose() => _remote.Dispose();

    /// <summary>The rclone child serving <paramref name="folder"/>, found in /proc by its command line.</summary>
    private static int ChildOf(string folder)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string[] args;
            try { args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0'); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            if (args.Contains("--stdio") && args.Any(a => a.EndsWith(folder, StringComparison.Ordinal))) return pid;
        }
        throw new Xunit.Sdk.XunitException($"no rclone child serving {folder}");
    }

    private static bool IsRunning(int pid)
    {
        try { return !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z'); }
        catch (IOException) { return false; }
    }

    private static void WaitUntilGone(int pid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (IsRunning(pid) && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.False(IsRunning(pid), $"the rclone child {pid} is still running");
    }

    [Fact]
    public async Task A_remote_rclone_does_not_know_gives_rclones_own_error()
    {
        using var backend = RcloneBackend.Open(RcloneLocation.Parse("rclone:nosuchremote:somewhere"), _remote.Environment()) as IDisposable;
        var e = await Assert.ThrowsAnyAsync<IOException>(() => ((IStorageBackend)backend!).ExistsAsync(default));
        Assert.Contains("rclone exited with code", e.Message, StringComparison.Ordinal);
        Assert.Contains("nosuchremote", e.Message, StringComparison.Ordinal); // rclone's stderr, kept
        Assert.Contains("rclone:nosuchremote:somewhere", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_child_that_dies_makes_the_next_call_fail_clearly()
    {
        using var backend = _remote.Open();
        await EngineOverBackend.InitAsync(backend);
        var pid = ChildOf(_remote.Root);
        using (var child = System.Diagnostics.Process.GetProcessById(pid)) child.Kill();
        WaitUntilGone(pid);
        var e = await Assert.ThrowsAnyAsync<IOException>(() => backend.ExistsAsync(default));
        Assert.Contains("rclone exited with code", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<IOException>(() => backend.ListAsync(FileType.Key, default).GetAsyncEnumerator().MoveNextAsync().AsTask());
    }

    [Fact]
    public async Task The_child_gets_rclones_environment_without_the_repository_passwords_and_stops_on_dispose()
    {
        var backend = _remote.Open(("COFFRE_PASSWORD", "coffre-secret-1"), ("RESTIC_PASSWORD", "restic-secret-2"), ("RESTIC_REST_PASSWORD", "rest-secret-3"), ("OTHER_SETTING", "kept"));
        await backend.CreateAsync(default);
        var pid = ChildOf(_remote.Root);
        var environ = File.ReadAllText($"/proc/{pid}/environ");
        var args = File.ReadAllText($"/proc/{pid}/cmdline");
        foreach (var secret in new[] { "coffre-secret-1", "restic-secret-2", "rest-secret-3" })
        {
            Assert.DoesNotContain(secret, environ, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, args, StringComparison.Ordinal);
        }
        Assert.Contains("RCLONE_CONFIG_MYLOCAL_TYPE=local", environ, StringComparison.Ordinal);
        Assert.Contains("OTHER_SETTING=kept", environ, StringComparison.Ordinal);
        Assert.Equal(["/usr/bin/rclone", "serve", "restic", "--stdio", "--b2-hard-delete", $"mylocal:{_remote.Root}", ""], args.Split('\0'));

        backend.Dispose();
        WaitUntilGone(pid);
    }

    [Theory]
    [InlineData("rclone:")]
    [InlineData("rclone:--config=/etc/passwd")]
    [InlineData("rclone:s3,secret_access_key=KEYSECRET:bucket")]
    [InlineData("rest:http://x/")]
    public void Bad_locations_are_refused_without_repeating_them(string text)
    {
        var e = Assert.Throws<CoffreException>(() => RcloneLocation.Parse(text));
        Assert.Contains("rclone:remote:path", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("KEYSECRET", e.Message, StringComparison.Ordinal);
        Assert.Equal("rclone:remote:some/path", RcloneLocation.Parse("rclone:remote:some/path").ToString());
    }

    /// <summary>
    /// A service opens its repository for every job and page: through the opener, one rclone child serves them all,
    /// and one that died is replaced by a new one on the next open.
    /// </summary>
    [Fact]
    public async Task The_opener_shares_one_child_per_location_and_replaces_a_dead_one()
    {
        var environment = _remote.Environment();
        var first = BackendOpener.Open(_remote.Location, environment);
        await first.CreateAsync(default);
        var pid = ChildOf(_remote.Root);
        var second = BackendOpener.Open(_remote.Location, environment);
        Assert.False(await second.ExistsAsync(default));
        Assert.Equal(pid, ChildOf(_remote.Root));
        Assert.Single(ChildrenOf(_remote.Root));

        using (var child = System.Diagnostics.Process.GetProcessById(pid)) child.Kill();
        WaitUntilGone(pid);
        // The runtime notices the exit a moment after the kernel does (it reaps the child on SIGCHLD).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                Assert.False(await BackendOpener.Open(_remote.Location, environment).ExistsAsync(default));
                break;
            }
            catch (IOException) when (DateTime.UtcNow < deadline) { await Task.Delay(100); }
        }
        var replaced = Assert.Single(ChildrenOf(_remote.Root));
        Assert.NotEqual(pid, replaced);
    }

    private static List<int> ChildrenOf(string folder)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || !IsRunning(pid)) continue;
            string[] args;
            try { args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0'); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            if (args.Contains("--stdio") && args.Any(a => a.EndsWith(folder, StringComparison.Ordinal))) found.Add(pid);
        }
        return found;
    }
}

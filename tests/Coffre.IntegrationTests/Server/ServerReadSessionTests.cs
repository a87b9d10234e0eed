using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Keys;
using Coffre.Server;
using Microsoft.Extensions.DependencyInjection;

namespace Coffre.IntegrationTests.Server;

/// <summary>The service keeps one open read session: pages and /health do not open the repository (scrypt, index) each time.</summary>
public class ServerReadSessionTests
{
    [Fact]
    public async Task Pages_and_health_share_one_open_repository_which_reads_new_backups_and_reopens_on_a_new_key()
    {
        using var dir = new TestDirectory("serve-session");
        await using var served = await ServedApp.StartAsync(dir);
        var session = served.Host.Services.GetRequiredService<ReadSession>();
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await served.LoginAsync(ServedApp.User, ServedApp.Password)).StatusCode);

        served.App.Coffre.Ok("backup");
        var first = served.History().Last(r => r.Operation == "backup").SnapshotId!;
        for (var i = 0; i < 3; i++)
        {
            Assert.Contains(first[..8], await served.DashboardAsync(), StringComparison.Ordinal);
            using var health = await served.Client.GetAsync(new Uri("/health", UriKind.Relative));
        }
        Assert.Equal(1, session.Opens);

        // A backup adds index and snapshot files: the open session reads them, no new key derivation.
        served.App.Coffre.Ok("backup");
        var second = served.History().Last(r => r.Operation == "backup").SnapshotId!;
        Assert.NotEqual(first, second);
        var page = await served.DashboardAsync();
        Assert.Contains(first[..8], page, StringComparison.Ordinal);
        Assert.Contains(second[..8], page, StringComparison.Ordinal);
        using (var download = await served.Client.GetAsync(new Uri($"/backups/{second}/export", UriKind.Relative)))
            Assert.Equal(System.Net.HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(1, session.Opens);

        // A key file added (a password change is one added and one removed): opened again, once.
        served.App.Coffre.Ok("key", "add", "--new-password-file", KeyFiles.PasswordFile(dir, "another password 123"));
        Assert.Contains(second[..8], await served.DashboardAsync(), StringComparison.Ordinal);
        Assert.Contains(second[..8], await served.DashboardAsync(), StringComparison.Ordinal);
        Assert.Equal(2, session.Opens);
    }

    [Fact]
    public async Task A_failed_open_is_remembered_for_a_while_then_tried_again()
    {
        using var dir = new TestDirectory("serve-session-missing");
        await using var served = await ServedApp.StartAsync(dir);
        var clock = new Coffre.Tests.Scheduling.ManualClock(DateTimeOffset.UtcNow, TimeZoneInfo.Utc);
        using var session = new ReadSession(served.Host.Services.GetRequiredService<ServerSetup>(), clock);
        var config = Path.Combine(served.Host.Services.GetRequiredService<ServerSetup>().RepositoryPath, "config");

        // No config (a disk not mounted, a repository not made yet): the open fails, and the failure is answered
        // from memory, without a new attempt, until ReadSession.RetryAfterFailure has passed.
        File.Move(config, config + ".away");
        var e1 = await Assert.ThrowsAsync<CoffreException>(() => session.RepositoryAsync(CancellationToken.None));
        Assert.Equal(ExitCodes.NoRepository, e1.ExitCode);
        File.Move(config + ".away", config);
        var e2 = await Assert.ThrowsAsync<CoffreException>(() => session.RepositoryAsync(CancellationToken.None));
        Assert.Same(e1, e2);
        Assert.Equal(1, session.Opens);

        clock.AdvanceTo(clock.GetUtcNow() + ReadSession.RetryAfterFailure);
        var repo = await session.RepositoryAsync(CancellationToken.None);
        Assert.Same(repo, await session.RepositoryAsync(CancellationToken.None));
        Assert.Equal(2, session.Opens);

        // A reader that met an error drops the session: the next use opens the repository again.
        session.Invalidate();
        Assert.NotSame(repo, await session.RepositoryAsync(CancellationToken.None));
        Assert.Equal(3, session.Opens);
    }
}

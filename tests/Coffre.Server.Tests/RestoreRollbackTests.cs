using System.Net;
using Coffre.Journal;

namespace Coffre.Server.Tests;

/// <summary>A failed restore keeps its rollback on the dashboard as a button, also after a second failure; the restore's result is the banner.</summary>
public class RestoreRollbackTests
{
    private const string P = EmbeddedDashboard.Prefix;

    private static RunRecord Restore(DateTimeOffset start, string? safety, bool ok = false) => new()
    {
        Operation = "restore", Start = start, End = start.AddSeconds(20), Application = "sample-shop",
        Result = ok ? RunResults.Ok : RunResults.Failed, ExitCode = ok ? 0 : 1,
        SnapshotId = new string('c', 64),
        Error = ok ? null : "restoring media uploads failed: disk full" + (safety is null ? "" : $". What was there before is in safety snapshot {safety}: roll back with 'coffre restore {safety} --force'"),
    };

    [Fact]
    public async Task A_failed_restore_offers_its_rollback_and_a_second_failure_keeps_the_first_one()
    {
        using var factory = new EmbeddedDashboard();
        var journal = new RunJournal(factory.LogFolder, TimeProvider.System);
        var start = DateTimeOffset.Now.AddMinutes(-10);
        journal.Append(Restore(start, "3e7d4c4a"));
        using var client = factory.Browser();
        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        var page = await client.GetStringAsync(new Uri(P + "/", UriKind.Relative));
        Assert.Contains($"<a class=\"button\" href=\"{P}/backups/3e7d4c4a/restore\">Roll back: restore safety snapshot 3e7d4c4a</a>", page, StringComparison.Ordinal);

        // The rollback failed too (its own safety snapshot 9a8b7c6d): both stay offered.
        journal.Append(Restore(start.AddMinutes(2), "9a8b7c6d"));
        page = await client.GetStringAsync(new Uri(P + "/", UriKind.Relative));
        Assert.Contains($"{P}/backups/3e7d4c4a/restore", page, StringComparison.Ordinal);
        Assert.Contains($"{P}/backups/9a8b7c6d/restore", page, StringComparison.Ordinal);

        // The banner of the second restore's page is its result, with its rollback.
        var banner = BackupActionsTests.Banner(await client.GetStringAsync(new Uri($"{P}/?started=restore&at={start.AddMinutes(1).ToUnixTimeMilliseconds()}", UriKind.Relative)));
        Assert.Contains("failed: restoring media uploads failed: disk full", banner, StringComparison.Ordinal);
        Assert.Contains($"{P}/backups/9a8b7c6d/restore", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("3e7d4c4a", banner, StringComparison.Ordinal);

        // A restore that succeeds ends it.
        journal.Append(Restore(start.AddMinutes(4), null, ok: true));
        page = await client.GetStringAsync(new Uri(P + "/", UriKind.Relative));
        Assert.DoesNotContain("Roll back", page, StringComparison.Ordinal);
        var okBanner = BackupActionsTests.Banner(await client.GetStringAsync(new Uri($"{P}/?started=restore&at={start.AddMinutes(3).ToUnixTimeMilliseconds()}", UriKind.Relative)));
        Assert.Contains("ended ok", okBanner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_started_banner_is_under_way_until_the_run_is_journaled_and_an_address_without_its_time_shows_none()
    {
        using var factory = new EmbeddedDashboard();
        using var client = factory.Browser();
        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var at = DateTimeOffset.Now;
        var address = $"{P}/?started=check&at={at.ToUnixTimeMilliseconds()}";
        Assert.Contains("under way", BackupActionsTests.Banner(await client.GetStringAsync(new Uri(address, UriKind.Relative))), StringComparison.Ordinal);
        new RunJournal(factory.LogFolder, TimeProvider.System).Append(new RunRecord
        {
            Operation = "check", Start = at.AddSeconds(1), End = at.AddSeconds(3), Application = "sample-shop", Result = RunResults.Ok,
            Checked = "no errors were found (3 snapshots, 9 trees, 4 packs, 0 packs read)",
        });
        var shown = BackupActionsTests.Banner(await client.GetStringAsync(new Uri(address, UriKind.Relative)));
        Assert.Contains("ended ok: no errors were found (3 snapshots, 9 trees, 4 packs, 0 packs read)", shown, StringComparison.Ordinal);
        foreach (var stale in new[] { "/?started=backup", "/?started=check&at=junk", "/?started=../x&at=1" })
            Assert.DoesNotContain("id=\"banner\"", await client.GetStringAsync(new Uri(P + stale, UriKind.Relative)), StringComparison.Ordinal);
    }
}

using System.Net;
using System.Text.RegularExpressions;
using Coffre.Journal;

namespace Coffre.Server.Tests;

/// <summary>"Verify this backup" and "Full drill of this backup" on a backup's page, and the banner that follows a job to its result.</summary>
public sealed partial class BackupActionsTests(BackedUpDashboard served) : IClassFixture<BackedUpDashboard>
{
    private const string P = BackedUpDashboard.P;

    [Fact]
    public async Task Verify_this_backup_reads_it_back_journals_it_and_the_banner_becomes_its_result()
    {
        using var client = await served.LoggedInAsync();
        var page = await client.GetStringAsync(new Uri($"{P}/backups/{served.Snapshot}", UriKind.Relative));
        Assert.Contains($"action=\"{P}/backups/{served.Snapshot}/verify\"", page, StringComparison.Ordinal);
        Assert.Contains($"action=\"{P}/backups/{served.Snapshot}/drill\"", page, StringComparison.Ordinal);

        var before = DateTimeOffset.Now.AddMilliseconds(-1);
        var banner = await BackedUpDashboard.PostAsync(client, $"/backups/{served.Snapshot}/verify");
        Assert.Matches($"^{Regex.Escape(P)}/\\?started=verify&at=\\d+$", banner);
        var run = await served.WaitForRunAsync("verify", before);
        Assert.True(run.Result == RunResults.Ok, run.Error);
        Assert.Equal(served.Snapshot, run.SnapshotId);
        Assert.Matches(@"^\d+ files, \d+ bytes read back$", run.Checked);

        // The same address again (F5): the result, not "under way".
        var after = await client.GetStringAsync(new Uri(banner, UriKind.Relative));
        var shown = Banner(after);
        Assert.Contains("ended ok", shown, StringComparison.Ordinal);
        Assert.Contains(run.Checked!, shown, StringComparison.Ordinal);
        Assert.DoesNotContain("under way", shown, StringComparison.Ordinal);
        // Its run page: the summary and the lines the job said.
        var runPage = Regex.Match(shown, "href=\"([^\"]+/runs/verify/\\d+)\"").Groups[1].Value;
        var details = await client.GetStringAsync(new Uri(runPage, UriKind.Relative));
        Assert.Contains(run.Checked!, details, StringComparison.Ordinal);
        Assert.Contains($"reading backup {served.Snapshot[..8]} back in full", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Full_drill_of_a_backup_drills_that_backup_in_full()
    {
        using var client = await served.LoggedInAsync();
        var before = DateTimeOffset.Now.AddMilliseconds(-1);
        var banner = await BackedUpDashboard.PostAsync(client, $"/backups/{served.Snapshot}/drill");
        Assert.Matches($"^{Regex.Escape(P)}/\\?started=drill&at=\\d+$", banner);
        var run = await served.WaitForRunAsync("drill", before);
        Assert.True(run.Result == RunResults.Ok, run.Error);
        Assert.Equal(served.Snapshot, run.SnapshotId);
        Assert.Contains("media media: 5 of 5 files, ok", run.Checked, StringComparison.Ordinal); // full: every file, not a sample
        Assert.Contains("ended ok", Banner(await client.GetStringAsync(new Uri(banner, UriKind.Relative))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_buttons_need_the_antiforgery_token_and_a_backup_id()
    {
        using var client = await served.LoggedInAsync();
        foreach (var action in new[] { "verify", "drill" })
        {
            using var forged = await client.PostAsync(new Uri($"{P}/backups/{served.Snapshot}/{action}", UriKind.Relative),
                new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = "forged" }));
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            var token = EmbeddedDashboard.Token(await client.GetStringAsync(new Uri(P + "/", UriKind.Relative)));
            using var notAnId = await client.PostAsync(new Uri($"{P}/backups/latest/{action}", UriKind.Relative),
                new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
            Assert.Equal(HttpStatusCode.NotFound, notAnId.StatusCode);
        }
    }

    internal static string Banner(string html) =>
        BannerPattern().Match(html) is { Success: true } m ? m.Value : throw new InvalidOperationException("no banner in:\n" + html);

    [GeneratedRegex("<p id=\"banner\".*?</p>", RegexOptions.Singleline)]
    private static partial Regex BannerPattern();
}

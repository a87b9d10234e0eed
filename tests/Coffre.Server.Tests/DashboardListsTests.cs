using System.Net;
using System.Text.RegularExpressions;
using Coffre.Application;
using Coffre.Jobs;
using Coffre.Journal;
using Coffre.Model;

namespace Coffre.Server.Tests;

/// <summary>The dashboard with many backups (pages, days, data added, the chart), the run feed's order, and the sign-ins' own box.</summary>
public sealed partial class DashboardListsTests
{
    private const string P = EmbeddedDashboard.Prefix;
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 30, 0, TimeSpan.Zero);
    private static readonly PageContext Page = new("admin", "__RequestVerificationToken", "token", p => P + p);

    /// <summary>An hourly schedule kept 30 days, newest first as the dashboard lists them, each having added 1 MiB.</summary>
    private static (DashboardData Data, List<BackupInfo> Backups) Hourly(int count = 720)
    {
        var backups = Enumerable.Range(0, count).Select(i => new BackupInfo(BlobId.Hash(BitConverter.GetBytes(i)), Start.AddHours(i), (ulong)(100 << 20) + (ulong)i * 4096,
            new ApplicationMetadata
            {
                Time = "", Application = "sample-shop", Host = "h", CoffreVersion = "t", Status = "complete", Databases = [],
                Media = [new MediaMetadata("media", "/srv/media", 40, 4096), new MediaMetadata("uploads", "/srv/uploads", 2, 10)],
            }, ["app:sample-shop"])).Reverse().ToList();
        var history = backups.Select(b => new RunRecord
        {
            Operation = "backup", Start = b.Time, End = b.Time.AddMinutes(1), Result = RunResults.Ok, SnapshotId = b.Id.ToString(), BytesAdded = 1 << 20,
        }).Reverse().ToList();
        return (new DashboardData { Backups = backups, History = history }, backups);
    }

    [Fact]
    public void Seven_hundred_twenty_backups_are_pages_of_fifty_with_a_heading_per_day_and_their_data_added()
    {
        var (data, backups) = Hourly();
        var first = BackupList.Render(data, 1, Page);
        Assert.Equal(BackupList.PageSize, Rows(first).Count);
        Assert.Contains("720 backups, page 1 of 15.", first, StringComparison.Ordinal);
        Assert.Contains($"href=\"{P}/?page=2\">older →</a>", first, StringComparison.Ordinal);
        Assert.DoesNotContain("newer", first, StringComparison.Ordinal);
        Assert.Contains(backups[0].Id.ToString()[..8], first, StringComparison.Ordinal);
        Assert.DoesNotContain(backups[50].Id.ToString()[..8], first, StringComparison.Ordinal);
        Assert.Contains("<td>1.0 MiB</td>", first, StringComparison.Ordinal); // data added, from each backup's run
        Assert.Equal(3, DayHeading().Matches(first).Count); // 50 hourly backups span three days

        var last = BackupList.Render(data, 15, Page);
        Assert.Equal(720 - 14 * 50, Rows(last).Count);
        Assert.Contains($"href=\"{P}/?page=14\">← newer</a>", last, StringComparison.Ordinal);
        Assert.Contains(backups[^1].Id.ToString()[..8], last, StringComparison.Ordinal);
        Assert.Equal(last, BackupList.Render(data, 9999, Page)); // past the end: the last page
        Assert.Equal(first, BackupList.Render(data, -3, Page));

        // The status right after the backup; "media", not "media media"; a download link as tall as a finger.
        Assert.Contains("<tr><th>Backup</th><th>Status</th><th>Size</th><th>Data added</th>", first, StringComparison.Ordinal);
        Assert.Contains("<td>media (40 files, 4.0 KiB)<br>media uploads (2 files, 10 B)</td>", first, StringComparison.Ordinal);
        Assert.DoesNotContain("media media", first, StringComparison.Ordinal);
        Assert.Contains("class=\"tap\"", first, StringComparison.Ordinal);
    }

    [Fact]
    public void The_size_chart_is_inline_svg_with_a_point_per_backup_and_the_data_stored()
    {
        var (data, _) = Hourly(30);
        var svg = RepositoryChart.Render(data.Backups, data.History);
        Assert.StartsWith("<h2>Size over time</h2>", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", svg, StringComparison.Ordinal);
        var stored = Regex.Match(svg, "class=\"stored\"[^>]*points=\"([^\"]+)\"").Groups[1].Value.Split(' ');
        Assert.Equal(30, stored.Length);
        var ys = stored.Select(p => double.Parse(p.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(ys.Zip(ys.Skip(1)).All(p => p.Second < p.First), "the data stored grows with each backup (y goes up)");
        Assert.Contains("30.0 MiB now", svg, StringComparison.Ordinal);
        Assert.Equal("", RepositoryChart.Render(data.Backups.Take(1).ToList(), data.History)); // one point is no chart
    }

    [Fact]
    public async Task The_feed_shows_failures_first_then_by_start_and_sign_ins_have_their_own_box_with_failures_aggregated()
    {
        using var factory = new EmbeddedDashboard();
        var journal = new RunJournal(factory.LogFolder, TimeProvider.System);
        var now = DateTimeOffset.Now;
        RunRecord Run(string op, int minutesAgo, string result, string? error = null) => new()
        {
            Operation = op, Start = now.AddMinutes(-minutesAgo), End = now.AddMinutes(-minutesAgo).AddSeconds(5), Application = "sample-shop", Result = result, Error = error,
        };
        journal.Append(Run("backup", 50, RunResults.Ok));
        journal.Append(Run("check", 40, RunResults.Failed, "pack 1234 is missing"));
        journal.Append(Run("backup", 30, RunResults.Ok));
        journal.Append(Run("drill", 20, RunResults.Ok));
        var signIns = new SignInJournal(factory.LogFolder);
        for (var i = 0; i < 7; i++)
            signIns.Append(Run("login", 60 - i, RunResults.Failed, "wrong user or password") with { Checked = "user root from 203.0.113.9" });
        using var client = factory.Browser();
        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var page = await client.GetStringAsync(new Uri(P + "/", UriKind.Relative));

        var feed = Regex.Match(page, "<table id=\"runs\">.*?</table>", RegexOptions.Singleline).Value;
        Assert.Equal(["check", "drill", "backup", "backup"], Regex.Matches(feed, "</a></td><td>([a-z]+)</td>").Select(m => m.Groups[1].Value));
        Assert.DoesNotContain("login", feed, StringComparison.Ordinal);
        var box = Regex.Match(page, "<h2>Sign-ins</h2>.*?</table>", RegexOptions.Singleline).Value;
        Assert.Contains("<td class=\"bad\">7 failed</td><td>user root from 203.0.113.9<br><small>wrong user or password</small></td>", box, StringComparison.Ordinal);
        Assert.Contains("<td class=\"ok\">ok</td><td>user admin from 127.0.0.1</td>", box, StringComparison.Ordinal); // this test's own sign-in

        // The last check in the status, linking to its run page, which shows its error.
        var check = Regex.Match(page, "<dt>Last check</dt><dd><span class=\"bad\">failed</span> on <a href=\"([^\"]+)\">").Groups[1].Value;
        Assert.StartsWith(P + "/runs/check/", check, StringComparison.Ordinal);
        Assert.Contains("pack 1234 is missing", await client.GetStringAsync(new Uri(check, UriKind.Relative)), StringComparison.Ordinal);
        using var missing = await client.GetAsync(new Uri(P + "/runs/check/12", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Times_carry_their_time_zone()
    {
        using var factory = new EmbeddedDashboard();
        var at = new DateTimeOffset(2026, 11, 5, 2, 30, 1, TimeSpan.Zero);
        new RunJournal(factory.LogFolder, TimeProvider.System).Append(new RunRecord { Operation = "prune", Start = at, End = at.AddSeconds(3), Application = "sample-shop", Result = RunResults.Ok });
        using var client = factory.Browser();
        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var page = await client.GetStringAsync(new Uri(P + "/", UriKind.Relative));
        var local = at.ToLocalTime();
        var pattern = $"<time datetime=\"2026-11-05T02:30:01[^\"]*\">{local:yyyy-MM-dd HH:mm:ss} UTC\\{local:zzz}</time>";
        Assert.True(Regex.IsMatch(page, pattern), pattern + "\n" + string.Join("\n", Regex.Matches(page, "<time[^<]*</time>").Select(m => m.Value)));
    }

    private static List<string> Rows(string html) => [.. Regex.Matches(html, "<tr><td>").Select(m => m.Value)];

    [GeneratedRegex("<tr class=\"day\">")]
    private static partial Regex DayHeading();
}

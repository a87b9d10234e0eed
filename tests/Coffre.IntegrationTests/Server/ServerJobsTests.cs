using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Jobs;
using Coffre.Journal;
using Coffre.Tests.Scheduling;
using Coffre.Application;

namespace Coffre.IntegrationTests.Server;

/// <summary>coffre serve's work: the dashboard shows real backups, its buttons and the schedule run jobs, /metrics serves Prometheus text.</summary>
public partial class ServerJobsTests
{
    [Fact]
    public async Task The_dashboard_lists_a_backup_made_by_coffre_with_its_stamp_contents_and_status()
    {
        using var dir = new TestDirectory("serve-dash");
        await using var served = await ServedApp.StartAsync(dir);
        served.App.Coffre.Ok("backup");
        var run = served.History().Single(r => r.Operation == "backup");
        var snapshots = JsonDocument.Parse(served.App.Coffre.Ok("snapshots", "--json").StdOut).RootElement;
        var time = DateTimeOffset.Parse(snapshots[0].GetProperty("time").GetString()!, CultureInfo.InvariantCulture);

        using (var login = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var page = await served.DashboardAsync();
        Assert.Contains($"<a href=\"/backups/{run.SnapshotId}\">{BackupStamp.Format(time)}</a><br><small>{run.SnapshotId![..8]}</small>", page, StringComparison.Ordinal);
        Assert.Contains("database main (sqlite,", page, StringComparison.Ordinal);
        Assert.Contains("<br>media (4 files,", page, StringComparison.Ordinal); // the cache folder is excluded; "media", not "media media"
        Assert.Contains("<span class=\"ok\">complete</span>", page, StringComparison.Ordinal);
        Assert.Contains("100 % of 1 backups", page, StringComparison.Ordinal);
        // Last success at the moment the backup's name comes from (the snapshot's time), with the time zone.
        Assert.Matches($"<dt>Last success</dt><dd><time datetime=\"[^\"]+\">{time.ToLocalTime():yyyy-MM-dd HH:mm:ss} UTC{Regex.Escape(time.ToLocalTime().ToString("zzz", CultureInfo.InvariantCulture))}</time>: backup <a href=\"/backups/{run.SnapshotId}\">{BackupStamp.Format(time)}</a></dd>", page);
        Assert.Contains("free on its disk", page, StringComparison.Ordinal);
        Assert.Contains("Nothing is scheduled", page, StringComparison.Ordinal);

        using var health = JsonDocument.Parse(await served.Client.GetStringAsync(new Uri("/health", UriKind.Relative)));
        Assert.Equal("ok", health.RootElement.GetProperty("lastBackup").GetProperty("result").GetString());
        Assert.Equal(run.SnapshotId, health.RootElement.GetProperty("lastBackup").GetProperty("snapshot").GetString());
    }

    [Fact]
    public async Task The_backup_and_drill_buttons_run_the_jobs_one_after_the_other_and_journal_them()
    {
        using var dir = new TestDirectory("serve-actions");
        await using var served = await ServedApp.StartAsync(dir);
        using (var login = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var token = ServedApp.Token(await served.DashboardAsync());
        foreach (var action in new[] { "backup", "drill" })
        {
            using var started = await served.Client.PostAsync(new Uri("/actions/" + action, UriKind.Relative),
                new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
            Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
            // The drill is asked for while the backup runs: it says queued (unless the backup already ended).
            string[] expected = action == "backup" ? ["/?started=backup&at="] : ["/?queued=drill&at=", "/?started=drill&at="];
            Assert.Contains(expected, e => started.Headers.Location!.OriginalString.StartsWith(e, StringComparison.Ordinal));
        }
        var backup = await served.WaitForRunAsync(r => r.Operation == "backup");
        var drill = await served.WaitForRunAsync(r => r.Operation == "drill");
        Assert.Equal(RunResults.Ok, backup.Result);
        Assert.Equal(RunResults.Ok, drill.Result); // the drill ran after the backup it tests, not beside it
        Assert.True(drill.Start >= backup.End, $"drill {drill.Start:O} started before the backup ended {backup.End:O}");

        var page = await served.DashboardAsync();
        Assert.Contains(backup.SnapshotId![..8], page, StringComparison.Ordinal);
        Assert.Matches(@"<dt>Last drill</dt><dd><span class=""ok"">ok</span>", page);
        Assert.Contains("<h2>Restore drills</h2>", page, StringComparison.Ordinal);
        Assert.Contains($"<td class=\"ok\">ok</td><td>{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(drill.Checked!)}</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_with_the_bearer_token_or_a_session_are_prometheus_text_of_the_history()
    {
        using var dir = new TestDirectory("serve-metrics");
        await using var served = await ServedApp.StartAsync(dir);
        served.App.Coffre.Ok("backup");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServedApp.MetricsToken);
        using var response = await served.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var families = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                families.Add(line.Split(' ')[2]);
                continue;
            }
            var m = Sample().Match(line);
            Assert.True(m.Success, $"not a Prometheus sample line: {line}");
            Assert.Contains(families, f => m.Groups[1].Value.StartsWith(f, StringComparison.Ordinal));
        }
        Assert.Contains("coffre_backups_total{application=\"shop\",result=\"ok\"} 1", text, StringComparison.Ordinal);

        using (var login = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        using var bySession = await served.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, bySession.StatusCode);
    }

    [Fact]
    public async Task The_schedule_runs_a_backup_when_it_is_due_on_the_service_clock()
    {
        using var dir = new TestDirectory("serve-schedule");
        var start = DateTimeOffset.Parse("2026-03-02T10:30:00+00:00", CultureInfo.InvariantCulture);
        var clock = new ManualClock(start, TimeZoneInfo.Utc);
        await using var served = await ServedApp.StartAsync(dir, clock, schedule: """{ "backup": "hourly" }""");
        using (var login = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Contains(start.AddMinutes(30).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'zzz", CultureInfo.InvariantCulture) + "</time></li>", await served.DashboardAsync(), StringComparison.Ordinal);

        // Before 11:00 nothing runs. Once the clock moved, the schedule looks at it and waits again on a timer due
        // later (timers fire on the thread that moves the clock, the schedule's decision comes after): had it
        // started the backup, it would arm no timer until the backup ended, and the history would show it.
        await ServedApp.WaitForTimerAsync(clock);
        var before = start.AddMinutes(29);
        clock.AdvanceTo(before);
        await ServedApp.WaitForTimerAsync(clock, after: before);
        Assert.DoesNotContain(served.History(), r => r.Operation == "backup");

        clock.AdvanceTo(start.AddMinutes(30).AddSeconds(1));
        var run = await served.WaitForRunAsync(r => r.Operation == "backup");
        Assert.Equal(RunResults.Ok, run.Result);
        Assert.Equal("shop", run.Application);
        // Once it ended, the next one is due at 12:00.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string page;
        do page = await served.DashboardAsync();
        while (!page.Contains(start.AddMinutes(90).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'zzz", CultureInfo.InvariantCulture) + "</time></li>", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
        Assert.Contains(run.SnapshotId![..8], page, StringComparison.Ordinal);
        Assert.Single(served.History(), r => r.Operation == "backup");
    }


    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*=""[^""]*""(,[a-zA-Z_][a-zA-Z0-9_]*=""[^""]*"")*\})? (-?[0-9.]+(e[+-]?[0-9]+)?|NaN|[+-]Inf)$")]
    private static partial Regex Sample();
}

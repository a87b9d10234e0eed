using System.Globalization;
using System.Net;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Journal;
using Coffre.Tests.Alerts;
using Coffre.Tests.Scheduling;

namespace Coffre.IntegrationTests.Server;

/// <summary>
/// A backup that fails every night, with one alert channel working and one unreachable: the service keeps running,
/// the dashboard and the log say what is wrong, and the working channel gets one message, not one a night.
/// </summary>
public class ServerBadInputTests
{
    [Fact]
    public async Task A_backup_failing_every_night_keeps_the_service_up_shows_on_the_dashboard_and_alerts_once()
    {
        using var dir = new TestDirectory("serve-nightly-failure");
        using var hook = new WebhookServer();
        var smtpPort = ServeProcess.FreePort(); // nothing listens there: the mail channel is unreachable
        var start = DateTimeOffset.Parse("2026-03-02T12:00:00+00:00", CultureInfo.InvariantCulture);
        var clock = new ManualClock(start, TimeZoneInfo.Utc);
        await using var served = await ServedApp.StartAsync(dir, clock, schedule: """{ "backup": "daily 02:00" }""", engineJobs: true,
            alerts: $$"""{ "webhook": { "url": "{{hook.Url}}" }, "email": { "host": "127.0.0.1", "port": {{smtpPort}}, "from": "coffre@example.com", "to": [ "ops@example.com" ] }, "retryDelaysSeconds": [ 0 ] }""");
        Directory.Move(served.App.Media, served.App.Media + ".away"); // the application's media folder is gone

        for (var night = 1; night <= 3; night++)
        {
            await ServedApp.WaitForTimerAsync(clock);
            clock.AdvanceTo(start.Date.AddDays(night).AddHours(2).AddSeconds(1));
            var n = night;
            await served.WaitForRunAsync(_ => served.History().Count(r => r.Operation == "backup") == n);
        }

        var backups = served.History().Where(r => r.Operation == "backup").ToList();
        Assert.Equal(3, backups.Count);
        Assert.All(backups, r => Assert.Equal(RunResults.Failed, r.Result));
        Assert.Contains("media", backups[0].Error, StringComparison.Ordinal);
        // One alert for the incident on the channel that works; the unreachable one is journaled, never fatal.
        await WaitUntilAsync(() => hook.Delivered.Count >= 1);
        var post = Assert.Single(hook.Delivered);
        Assert.Equal(("open", "backup-failed"), ((string?)post["state"], (string?)post["kind"]));
        Assert.Contains(served.History(), r => r.Operation == "alert" && r.Result == RunResults.Failed && r.Error!.Contains("127.0.0.1:" + smtpPort, StringComparison.Ordinal));

        // The service is still up and says what is wrong: the backup failed (503).
        using (var health = await served.Client.GetAsync(new Uri("/health", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using (var login = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var page = await served.DashboardAsync();
        Assert.Contains("<h2>Problems</h2>", page, StringComparison.Ordinal);
        Assert.Contains("the last 3 backups failed (since 2026-03-03 02:00 ", page.Replace("&#x2B;", "+", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("an alert could not be delivered", page, StringComparison.Ordinal);
        Assert.Matches("<li>backup: <time datetime=\"[^\"]+\">2026-03-06 02:00:00 UTC[+-][0-9:]+</time></li>", page); // the schedule goes on
        var log = File.ReadAllText(Path.Combine(served.LogFolder, LogPaths.LogFile));
        Assert.Equal(3, log.Split('\n').Count(l => l.Contains("backup", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal) && !l.Contains("alert", StringComparison.Ordinal)));
    }


    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(50);
    }
}

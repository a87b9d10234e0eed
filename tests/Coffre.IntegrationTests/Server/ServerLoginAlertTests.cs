using System.Globalization;
using System.Net;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Journal;
using Coffre.Server;
using Coffre.Tests.Alerts;
using Coffre.Tests.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Coffre.IntegrationTests.Server;

/// <summary>Repeated failed logins raise one login-failures alert however long the guessing lasts; the next success resolves it.</summary>
public class ServerLoginAlertTests
{
    [Fact]
    public async Task Two_lockouts_send_one_alert_and_the_next_login_sends_resolved()
    {
        using var dir = new TestDirectory("serve-login-alert");
        using var hook = new WebhookServer();
        var clock = new ManualClock(DateTimeOffset.Parse("2026-03-02T10:00:00+00:00", CultureInfo.InvariantCulture), TimeZoneInfo.Utc);
        await using var served = await ServedApp.StartAsync(dir, clock, alerts: $$"""{ "webhook": { "url": "{{hook.Url}}" }, "retryDelaysSeconds": [ 0 ] }""");
        var alerts = served.Host.Services.GetRequiredService<LoginAlerts>();

        for (var lockout = 0; lockout < 2; lockout++)
        {
            for (var i = 1; i <= LoginThrottle.MaxFailures; i++)
            {
                using var wrong = await served.LoginAsync(ServedApp.User, $"guess {lockout}.{i}");
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
                clock.AdvanceTo(clock.GetUtcNow() + (lockout == 0 ? LoginThrottle.Delay(i) : LoginThrottle.Lockout) + TimeSpan.FromSeconds(1));
                if (lockout == 1) break; // after a lockout, one more failure locks the pair out again
            }
            await alerts.Pending;
        }
        var post = Assert.Single(hook.Delivered);
        Assert.Equal(("open", "login-failures", "shop"), ((string?)post["state"], (string?)post["kind"], (string?)post["application"]));
        Assert.Contains("5 failed logins in a row for user admin from 127.0.0.1", (string?)post["message"], StringComparison.Ordinal);

        using (var right = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        await alerts.Pending;
        Assert.Equal(2, hook.Delivered.Count);
        Assert.Equal("resolved", (string?)hook.Delivered[1]["state"]);
        Assert.DoesNotContain("guess", string.Join('\n', hook.Requests.Select(r => r.Body)), StringComparison.Ordinal); // never a password
    }

    [Fact]
    public async Task An_unreachable_webhook_leaves_the_login_working_and_is_journaled()
    {
        using var dir = new TestDirectory("serve-login-alert-down");
        var clock = new ManualClock(DateTimeOffset.Parse("2026-03-02T10:00:00+00:00", CultureInfo.InvariantCulture), TimeZoneInfo.Utc);
        await using var served = await ServedApp.StartAsync(dir, clock, alerts: """{ "webhook": { "url": "http://127.0.0.1:9/hook/secret-token" }, "retryDelaysSeconds": [ 0 ] }""");
        var alerts = served.Host.Services.GetRequiredService<LoginAlerts>();
        for (var i = 1; i <= LoginThrottle.MaxFailures; i++)
        {
            using var wrong = await served.LoginAsync(ServedApp.User, "guess " + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            clock.AdvanceTo(clock.GetUtcNow() + LoginThrottle.Delay(i) + TimeSpan.FromSeconds(1));
        }
        await alerts.Pending;
        using (var right = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        var failed = Assert.Single(served.History(), r => r.Operation == "alert");
        Assert.Equal(RunResults.Failed, failed.Result);
        Assert.Contains("login-failures: not delivered", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", File.ReadAllText(Path.Combine(served.LogFolder, LogPaths.HistoryFile)), StringComparison.Ordinal);
        Assert.Contains("an alert could not be delivered", await served.DashboardAsync(), StringComparison.Ordinal);
    }
}

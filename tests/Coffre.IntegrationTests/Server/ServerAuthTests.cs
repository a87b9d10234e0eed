using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Journal;
using Coffre.Server;
using Coffre.Tests.Scheduling;

namespace Coffre.IntegrationTests.Server;

/// <summary>coffre serve's authentication: everything but /health needs the login, logins are throttled and journaled, every POST needs the antiforgery token.</summary>
public class ServerAuthTests
{
    [Fact]
    public async Task Every_route_but_health_refuses_a_visitor_who_has_not_logged_in()
    {
        using var dir = new TestDirectory("serve-anon");
        await using var served = await ServedApp.StartAsync(dir);
        var client = served.Client;

        foreach (var page in new[] { "/", "/?x=1" })
        {
            using var r = await client.GetAsync(new Uri(page, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.StartsWith("/login", r.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
        foreach (var action in new[] { "/actions/backup", "/actions/drill", "/logout" })
        {
            using var r = await client.PostAsync(new Uri(action, UriKind.Relative), new FormUrlEncodedContent([]));
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.StartsWith("/login", r.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
        using (var metrics = await client.GetAsync(new Uri("/metrics", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        using (var wrongToken = new HttpRequestMessage(HttpMethod.Get, "/metrics"))
        {
            wrongToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServedApp.MetricsToken + "x");
            using var r = await client.SendAsync(wrongToken);
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }
        Assert.DoesNotContain(served.History(), r => r.Operation == "backup"); // the refused actions started nothing

        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var json = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.Equal("attention", json.RootElement.GetProperty("status").GetString()); // no backup yet
        Assert.Equal(["status"], json.RootElement.EnumerateObject().Select(p => p.Name)); // an anonymous caller gets the status only
    }

    [Fact]
    public async Task A_wrong_password_is_refused_the_right_one_opens_the_dashboard_and_both_attempts_are_journaled()
    {
        using var dir = new TestDirectory("serve-login");
        await using var served = await ServedApp.StartAsync(dir);

        using (var wrong = await served.LoginAsync(ServedApp.User, "not the password"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("Wrong user or password", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var wrongUser = await served.Client.GetAsync(new Uri("/", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.Redirect, wrongUser.StatusCode); // still not logged in

        // The throttle makes the next attempt of the same user and address wait a second.
        await Task.Delay(LoginThrottle.Delay(1) + TimeSpan.FromMilliseconds(200));
        using (var right = await served.LoginAsync(ServedApp.User, ServedApp.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
            Assert.Equal("/", right.Headers.Location!.OriginalString);
            var cookie = string.Join(";", right.Headers.GetValues("Set-Cookie"));
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        }
        var page = await served.DashboardAsync();
        Assert.Contains("Logged in as admin", page, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"viewport\"", page, StringComparison.Ordinal);

        var logins = served.SignIns().Where(r => r.Operation == "login").ToList();
        Assert.DoesNotContain(served.History(), r => r.Operation == "login"); // sign-ins are not runs
        Assert.Equal([RunResults.Failed, RunResults.Ok], logins.Select(r => r.Result));
        Assert.All(logins, r => Assert.Equal("user admin from 127.0.0.1", r.Checked));
        Assert.Equal("wrong user or password", logins[0].Error);
        Assert.DoesNotContain("not the password", File.ReadAllText(Path.Combine(served.LogFolder, LogPaths.SignInFile)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Five_failures_lock_the_user_out_for_fifteen_minutes_even_with_the_right_password()
    {
        using var dir = new TestDirectory("serve-lockout");
        var clock = new ManualClock(DateTimeOffset.Parse("2026-03-02T10:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture), TimeZoneInfo.Utc);
        await using var served = await ServedApp.StartAsync(dir, clock);

        for (var i = 1; i <= LoginThrottle.MaxFailures; i++)
        {
            using var wrong = await served.LoginAsync(ServedApp.User, "guess " + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            if (i < LoginThrottle.MaxFailures)
            {
                // Too soon after a failure: refused without looking at the password.
                using var early = await served.LoginAsync(ServedApp.User, ServedApp.Password);
                Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
                // Not yet "too many": a wait, said as one; the form keeps the user name and focuses the password.
                var form = await early.Content.ReadAsStringAsync();
                Assert.DoesNotContain("Too many failed attempts", form, StringComparison.Ordinal);
                Assert.Contains("before the next attempt", form, StringComparison.Ordinal);
                Assert.Contains($"name=\"user\" autocomplete=\"username\" required value=\"{ServedApp.User}\">", form, StringComparison.Ordinal);
                Assert.Contains("type=\"password\" autocomplete=\"current-password\" required autofocus>", form, StringComparison.Ordinal);
                clock.AdvanceTo(clock.GetUtcNow() + LoginThrottle.Delay(i));
            }
        }
        clock.AdvanceTo(clock.GetUtcNow() + TimeSpan.FromMinutes(14));
        using (var locked = await served.LoginAsync(ServedApp.User, ServedApp.Password))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
            Assert.Contains("Too many failed attempts", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        clock.AdvanceTo(clock.GetUtcNow() + TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using (var after = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);

        var logins = served.SignIns().Where(r => r.Operation == "login").ToList();
        Assert.Equal(LoginThrottle.MaxFailures + (LoginThrottle.MaxFailures - 1) + 2, logins.Count);
        Assert.Equal(RunResults.Ok, logins[^1].Result);
        Assert.Contains("too many failures", logins[^2].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused_with_400_and_starts_nothing()
    {
        using var dir = new TestDirectory("serve-csrf");
        await using var served = await ServedApp.StartAsync(dir);
        using (var login = await served.LoginAsync(ServedApp.User, ServedApp.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        using (var noToken = await served.Client.PostAsync(new Uri("/actions/backup", UriKind.Relative), new FormUrlEncodedContent([])))
            Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        using (var forged = await served.Client.PostAsync(new Uri("/actions/drill", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = "forged" })))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using (var loginWithoutToken = await served.Client.PostAsync(new Uri("/login", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = ServedApp.User, ["password"] = ServedApp.Password })))
            Assert.Equal(HttpStatusCode.BadRequest, loginWithoutToken.StatusCode);
        await Task.Delay(500);
        Assert.DoesNotContain(served.History(), r => r.Operation is "backup" or "drill");
    }

    [Fact]
    public async Task Without_a_valid_admin_hash_the_service_runs_health_answers_and_login_is_impossible()
    {
        using var dir = new TestDirectory("serve-noadmin");
        await using var served = await ServedApp.StartAsync(dir, server: """{ "admin": { "user": "admin", "passwordHash": "plain text" } }""");

        using (var health = await served.Client.GetAsync(new Uri("/health", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var form = await served.Client.GetStringAsync(new Uri("/login", UriKind.Relative));
        Assert.Contains("Login is impossible: server.admin.passwordHash is not of the form pbkdf2-sha256", form, StringComparison.Ordinal);
        using var attempt = await served.LoginAsync("admin", "plain text");
        Assert.Equal(HttpStatusCode.Forbidden, attempt.StatusCode);
        using var metrics = await served.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode); // no token configured, no session possible
    }
}

using System.Net;
using System.Text.Json;

namespace Coffre.Server.Tests;

/// <summary>The dashboard inside an application (AddCoffre + MapCoffreDashboard): its own login under its prefix, the application's routes untouched.</summary>
public class EmbeddedDashboardTests
{
    private const string P = EmbeddedDashboard.Prefix;

    [Fact]
    public async Task The_application_stays_public_and_every_dashboard_route_but_health_refuses_a_visitor()
    {
        using var factory = new EmbeddedDashboard();
        using var client = factory.Browser();

        Assert.Equal("The shop's home page.", await client.GetStringAsync(new Uri("/", UriKind.Relative)));
        foreach (var page in new[] { P, P + "/", P + "/?x=1" })
        {
            using var r = await client.GetAsync(new Uri(page, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.StartsWith(P + "/login", r.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
        foreach (var action in new[] { "/actions/backup", "/actions/drill", "/logout" })
        {
            using var r = await client.PostAsync(new Uri(P + action, UriKind.Relative), new FormUrlEncodedContent([]));
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.StartsWith(P + "/login", r.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
        using (var metrics = await client.GetAsync(new Uri(P + "/metrics", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        using (var root = await client.GetAsync(new Uri("/login", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NotFound, root.StatusCode); // nothing of Coffre's outside its prefix

        // No repository at the configured place: failing, and an anonymous caller gets the status only.
        using var answer = await client.GetAsync(new Uri(P + "/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        using var health = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        Assert.Equal("failing", health.RootElement.GetProperty("status").GetString());
        Assert.False(health.RootElement.TryGetProperty("application", out _));
    }

    [Fact]
    public async Task Logging_in_opens_the_dashboard_with_a_cookie_for_the_prefix_only()
    {
        using var factory = new EmbeddedDashboard();
        using var client = factory.Browser();

        using var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(P + "/", login.Headers.Location!.OriginalString);
        var session = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("coffre-session=", StringComparison.Ordinal));
        Assert.Contains("path=" + P, session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", session, StringComparison.OrdinalIgnoreCase);

        using var page = await client.GetAsync(new Uri(P + "/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Coffre — sample-shop", html, StringComparison.Ordinal);
        Assert.Contains($"action=\"{P}/actions/backup\"", html, StringComparison.Ordinal);
        Assert.Contains($"action=\"{P}/logout\"", html, StringComparison.Ordinal);
        using (var metrics = await client.GetAsync(new Uri(P + "/metrics", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var logout = await client.PostAsync(new Uri(P + "/logout", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = EmbeddedDashboard.Token(html) }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        using var after = await client.GetAsync(new Uri(P + "/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_of_the_page_is_refused()
    {
        using var factory = new EmbeddedDashboard();
        using var client = factory.Browser();
        using (var noToken = await client.PostAsync(new Uri(P + "/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            { ["user"] = EmbeddedDashboard.User, ["password"] = EmbeddedDashboard.Password })))
            Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);

        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        using (var forged = await client.PostAsync(new Uri(P + "/actions/backup", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            { ["__RequestVerificationToken"] = "forged" })))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using (var none = await client.PostAsync(new Uri(P + "/actions/drill", UriKind.Relative), new FormUrlEncodedContent([])))
            Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(factory.Folder, "repo")) && Directory.EnumerateFiles(Path.Combine(factory.Folder, "repo", "snapshots")).Any());
    }

    [Fact]
    public async Task Repeated_failures_lock_the_user_out_even_with_the_right_password_then_the_lockout_ends()
    {
        using var factory = new EmbeddedDashboard();
        using var client = factory.Browser();
        for (var i = 1; i <= LoginThrottle.MaxFailures; i++)
        {
            using var wrong = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, "guess " + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            factory.Clock.Advance(LoginThrottle.Delay(i) - TimeSpan.FromMilliseconds(500));
            using var early = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password);
            Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode); // too soon: refused, the right password included
            factory.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        using var afterLockout = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password);
        Assert.Equal(HttpStatusCode.Redirect, afterLockout.StatusCode);
    }

    [Fact]
    public async Task A_missing_hash_leaves_the_application_and_the_health_check_running_and_the_login_page_says_why()
    {
        using var factory = new EmbeddedDashboard(new() { ["Coffre:server:admin:passwordHash"] = "" });
        using var client = factory.Browser();
        Assert.Equal("The shop's home page.", await client.GetStringAsync(new Uri("/", UriKind.Relative)));
        var form = await client.GetStringAsync(new Uri(P + "/login", UriKind.Relative));
        Assert.Contains("Login is impossible", form, StringComparison.Ordinal);
        using var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password);
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        using var health = await client.GetAsync(new Uri(P + "/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode); // it answers; failing, since this test's repository does not exist
    }

    [Fact]
    public async Task A_broken_section_leaves_the_application_running_schedules_nothing_and_the_dashboard_lists_the_problem()
    {
        using var factory = new EmbeddedDashboard(new() { ["Coffre:schedule:backup"] = "daily 02:30", ["Coffre:retention:keepWithinDayz"] = "30" });
        using var client = factory.Browser();
        Assert.Equal("The shop's home page.", await client.GetStringAsync(new Uri("/", UriKind.Relative)));
        using (var answer = await client.GetAsync(new Uri(P + "/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode); // an invalid configuration is failing
            using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            Assert.Equal("failing", json.RootElement.GetProperty("status").GetString());
        }
        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var html = await client.GetStringAsync(new Uri(P + "/", UriKind.Relative));
        Assert.Contains("retention.keepWithinDayz", html, StringComparison.Ordinal);
        Assert.Contains("Nothing is scheduled", html, StringComparison.Ordinal);
    }
}

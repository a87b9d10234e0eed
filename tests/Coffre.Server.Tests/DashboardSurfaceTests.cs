using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Coffre.Journal;

namespace Coffre.Server.Tests;

/// <summary>What an anonymous or hostile client sees of the dashboard: /health, response headers, redirects, forged posts, hostile route values.</summary>
public class DashboardSurfaceTests
{
    private const string P = EmbeddedDashboard.Prefix;
    private const string SecretPath = "/srv/internal/secret-place/backups";

    private static void FailedBackup(EmbeddedDashboard factory) =>
        new RunJournal(factory.LogFolder, TimeProvider.System).Append(new RunRecord
        {
            Operation = "backup", Start = DateTimeOffset.Now, End = DateTimeOffset.Now, Application = "sample-shop", Result = RunResults.Failed, ExitCode = 1,
            Error = $"cannot read {SecretPath}/media: permission denied", SnapshotId = new string('b', 64),
        });

    [Fact]
    public async Task Anonymous_health_gives_the_status_only_the_admin_and_the_metrics_token_get_the_details()
    {
        var variable = "COFFRE_TEST_METRICS_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "scrape-token");
        try
        {
            using var factory = new EmbeddedDashboard(new() { ["Coffre:server:metricsTokenEnv"] = variable });
            FailedBackup(factory);
            using var client = factory.Browser();

            using var anonymousAnswer = await client.GetAsync(new Uri(P + "/health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, anonymousAnswer.StatusCode); // a failed backup (and no repository) is failing
            var anonymous = await anonymousAnswer.Content.ReadAsStringAsync();
            Assert.DoesNotContain(SecretPath, anonymous, StringComparison.Ordinal);
            Assert.DoesNotContain("bbbbbbbb", anonymous, StringComparison.Ordinal);
            using (var json = JsonDocument.Parse(anonymous))
            {
                Assert.Equal("failing", json.RootElement.GetProperty("status").GetString());
                Assert.Equal(["status"], json.RootElement.EnumerateObject().Select(p => p.Name)); // the status only
            }

            using (var wrongToken = new HttpRequestMessage(HttpMethod.Get, P + "/health"))
            {
                wrongToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "guess");
                using var r = await client.SendAsync(wrongToken);
                Assert.DoesNotContain(SecretPath, await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            using (var scraper = new HttpRequestMessage(HttpMethod.Get, P + "/health"))
            {
                scraper.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "scrape-token");
                using var r = await client.SendAsync(scraper);
                Assert.Contains(SecretPath, await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
                Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            using var detailsAnswer = await client.GetAsync(new Uri(P + "/health", UriKind.Relative));
            using var details = JsonDocument.Parse(await detailsAnswer.Content.ReadAsStringAsync());
            Assert.Contains(details.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "backup-failing");
            Assert.Contains(SecretPath, details.RootElement.GetProperty("lastBackup").GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal(new string('b', 64), details.RootElement.GetProperty("lastBackup").GetProperty("snapshot").GetString());
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_log_folder_that_cannot_be_written_does_not_stop_the_admin_logging_in()
    {
        using var factory = new EmbeddedDashboard();
        var blocked = Path.Combine(factory.Folder, "not-a-folder");
        File.WriteAllText(blocked, "a file where the log folder should be");
        using var broken = new EmbeddedDashboard(new() { ["Coffre:logging:path"] = blocked });
        using var client = broken.Browser();
        using var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        using var page = await client.GetAsync(new Uri(P + "/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Every_page_forbids_caching_framing_and_sniffing()
    {
        using var factory = new EmbeddedDashboard();
        using var client = factory.Browser();
        async Task Check(HttpResponseMessage r)
        {
            Assert.Contains("no-store", r.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(r.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", Assert.Single(r.Headers.GetValues("X-Frame-Options")));
            Assert.Contains("frame-ancestors 'none'", Assert.Single(r.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
            await Task.CompletedTask;
        }
        foreach (var page in new[] { "/login", "/health" })
        {
            using var r = await client.GetAsync(new Uri(P + page, UriKind.Relative));
            await Check(r);
        }
        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            await Check(login);
        foreach (var page in new[] { "/", "/progress", "/metrics", "/backups/0123456789abcdef" })
        {
            using var r = await client.GetAsync(new Uri(P + page, UriKind.Relative));
            await Check(r);
        }
    }

    [Fact]
    public async Task The_only_script_that_may_run_is_the_dashboards_own_by_its_hash()
    {
        using var factory = new EmbeddedDashboard();
        using var client = factory.Browser();
        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        using var page = await client.GetAsync(new Uri(P + "/", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();
        var script = Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<script>(.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline)).Groups[1].Value;
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script)));
        var policy = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains($"script-src 'sha256-{hash}';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline';", policy.Split("script-src")[1].Split(';')[0] + "';", StringComparison.Ordinal);
        using var loginPage = await client.GetAsync(new Uri(P + "/login", UriKind.Relative));
        Assert.Contains("script-src 'none'", Assert.Single(loginPage.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_login_never_redirects_outside_the_dashboard()
    {
        using var factory = new EmbeddedDashboard();
        using var client = factory.Browser();
        foreach (var target in new[] { "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)" })
        {
            using var challenge = await client.GetAsync(new Uri($"{P}/login?ReturnUrl={Uri.EscapeDataString(target)}&returnUrl={Uri.EscapeDataString(target)}", UriKind.Relative));
            var form = await challenge.Content.ReadAsStringAsync();
            using var login = await client.PostAsync(new Uri($"{P}/login?ReturnUrl={Uri.EscapeDataString(target)}", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = EmbeddedDashboard.Token(form), ["user"] = EmbeddedDashboard.User, ["password"] = EmbeddedDashboard.Password, ["ReturnUrl"] = target,
            }));
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.Equal(P + "/", login.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task Every_post_of_a_logged_in_admin_needs_the_antiforgery_token()
    {
        using var factory = new EmbeddedDashboard(new() { ["Coffre:server:allowRestore"] = "true" });
        using var client = factory.Browser();
        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        foreach (var action in new[] { "/login", "/logout", "/actions/backup", "/actions/drill", "/actions/check", "/backups/0123456789abcdef/restore" })
        {
            using var none = await client.PostAsync(new Uri(P + action, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["confirm"] = "sample-shop" }));
            Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
            using var forged = await client.PostAsync(new Uri(P + action, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = "forged", ["confirm"] = "sample-shop" }));
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }
        using var still = await client.GetAsync(new Uri(P + "/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, still.StatusCode); // the forged logout did not log out
    }

    [Fact]
    public async Task Hostile_backup_ids_and_folder_paths_get_a_short_refusal_that_does_not_echo_them()
    {
        using var factory = new EmbeddedDashboard(new() { ["Coffre:server:allowRestore"] = "true" });
        using var client = factory.Browser();
        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var longId = new string('a', 20_000);
        var longPath = string.Concat(Enumerable.Repeat("/..", 20_000));
        foreach (var url in new[]
        {
            $"/backups/{longId}", $"/backups/{longId}/export", $"/backups/{longId}/restore", "/backups/latest", "/backups/..%2F..%2Fetc",
            $"/backups/0123456789abcdef?path={Uri.EscapeDataString(longPath)}", $"/backups/0123456789abcdef/restore?only={new string('x', 20_000)}",
        })
        {
            using var r = await client.GetAsync(new Uri(P + url, UriKind.Relative));
            Assert.True(r.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{url[..Math.Min(60, url.Length)]}: {r.StatusCode}");
            var body = await r.Content.ReadAsStringAsync();
            Assert.True(body.Length < 4096, $"{url[..Math.Min(60, url.Length)]}: a {body.Length}-character answer");
        }
    }
}

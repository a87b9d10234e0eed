using System.Net;
using Coffre.Journal;

namespace Coffre.Server.Tests;

/// <summary>
/// The dashboard behind a reverse proxy (server.trustedProxies): each client is throttled and journaled by its own
/// address, so a guesser cannot lock the admin out, and the cookies are Secure behind https. Headers from a peer that
/// is not a trusted proxy are not believed.
/// </summary>
public class ProxiedClientTests
{
    private const string Proxy = "10.0.0.1";
    private const string Attacker = "203.0.113.9";
    private const string Admin = "198.51.100.7";

    private static Dictionary<string, string> Through(string client, string? proto = null, string peer = Proxy)
    {
        var h = new Dictionary<string, string> { [EmbeddedDashboard.PeerHeader] = peer, ["X-Forwarded-For"] = client };
        if (proto is not null) h["X-Forwarded-Proto"] = proto;
        return h;
    }

    [Fact]
    public async Task A_guesser_behind_the_proxy_is_locked_out_alone_and_the_admin_still_logs_in_with_a_secure_cookie()
    {
        using var factory = new EmbeddedDashboard(new() { ["Coffre:server:trustedProxies:0"] = "10.0.0.0/24" });
        using var guesser = factory.Browser();
        for (var i = 1; i <= LoginThrottle.MaxFailures; i++)
        {
            using var wrong = await EmbeddedDashboard.LoginAsync(guesser, EmbeddedDashboard.User, "guess " + i, Through(Attacker));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            if (i < LoginThrottle.MaxFailures) factory.Clock.Advance(LoginThrottle.Delay(i));
        }
        using (var locked = await EmbeddedDashboard.LoginAsync(guesser, EmbeddedDashboard.User, EmbeddedDashboard.Password, Through(Attacker)))
            Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode); // the guesser is locked out...

        using var admin = factory.Browser();
        using var login = await EmbeddedDashboard.LoginAsync(admin, EmbeddedDashboard.User, EmbeddedDashboard.Password, Through(Admin, "https"));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode); // ...the admin, through the same proxy, is not
        var session = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("coffre-session=", StringComparison.Ordinal));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);

        var logins = new SignInJournal(factory.LogFolder).Recent(100);
        Assert.Equal(LoginThrottle.MaxFailures, logins.Count(r => r.Checked == $"user admin from {Attacker}" && r.Error == "wrong user or password"));
        Assert.Contains(logins, r => r.Checked == $"user admin from {Admin}" && r.Result == RunResults.Ok);
        Assert.DoesNotContain(logins, r => r.Checked!.Contains(Proxy, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Forwarded_headers_from_a_peer_that_is_not_a_trusted_proxy_are_ignored()
    {
        foreach (var trusted in new[] { null, "10.0.0.0/24" })
        {
            using var factory = new EmbeddedDashboard(trusted is null ? null : new() { ["Coffre:server:trustedProxies:0"] = trusted });
            using var client = factory.Browser();
            // 192.0.2.50 is not a trusted proxy: it cannot pretend to be another client, nor to be https.
            using var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password, Through(Admin, "https", peer: "192.0.2.50"));
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            var session = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("coffre-session=", StringComparison.Ordinal));
            Assert.DoesNotContain("secure", session, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("user admin from 192.0.2.50", Assert.Single(new SignInJournal(factory.LogFolder).Recent(10)).Checked);
            // The dashboard says why: a proxy that is not trusted.
            var html = await client.GetStringAsync(new Uri(EmbeddedDashboard.Prefix + "/", UriKind.Relative));
            Assert.Contains("logins come through a proxy (192.0.2.50) that is not in server.trustedProxies", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_spoofed_address_left_of_the_proxy_chain_does_not_escape_the_throttle()
    {
        using var factory = new EmbeddedDashboard(new() { ["Coffre:server:trustedProxies:0"] = Proxy });
        using var guesser = factory.Browser();
        // The guesser writes its own X-Forwarded-For; the proxy appends the address it saw: only that one is believed.
        for (var i = 1; i <= LoginThrottle.MaxFailures; i++)
        {
            using var wrong = await EmbeddedDashboard.LoginAsync(guesser, EmbeddedDashboard.User, "guess " + i, Through($"192.0.2.{i}, {Attacker}"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            if (i < LoginThrottle.MaxFailures) factory.Clock.Advance(LoginThrottle.Delay(i));
        }
        using var locked = await EmbeddedDashboard.LoginAsync(guesser, EmbeddedDashboard.User, EmbeddedDashboard.Password, Through($"192.0.2.99, {Attacker}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.All(new SignInJournal(factory.LogFolder).Recent(100), r => Assert.EndsWith("from " + Attacker, r.Checked, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Another_client_is_not_locked_out_by_a_guesser_without_a_proxy_either()
    {
        using var factory = new EmbeddedDashboard();
        using var guesser = factory.Browser();
        for (var i = 1; i <= LoginThrottle.MaxFailures; i++)
        {
            using var wrong = await EmbeddedDashboard.LoginAsync(guesser, "root" + i, "guess " + i, new Dictionary<string, string> { [EmbeddedDashboard.PeerHeader] = Attacker });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            if (i < LoginThrottle.MaxFailures) factory.Clock.Advance(LoginThrottle.Delay(i));
        }
        using (var other = await EmbeddedDashboard.LoginAsync(guesser, EmbeddedDashboard.User, EmbeddedDashboard.Password, new Dictionary<string, string> { [EmbeddedDashboard.PeerHeader] = Attacker }))
            Assert.Equal(HttpStatusCode.TooManyRequests, other.StatusCode); // another user name does not reset the client's wait
        using var admin = factory.Browser();
        using var login = await EmbeddedDashboard.LoginAsync(admin, EmbeddedDashboard.User, EmbeddedDashboard.Password, new Dictionary<string, string> { [EmbeddedDashboard.PeerHeader] = Admin });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
    }

    [Fact]
    public async Task A_trusted_proxy_that_is_not_an_address_is_a_configuration_problem_and_nothing_is_trusted()
    {
        using var factory = new EmbeddedDashboard(new() { ["Coffre:server:trustedProxies:0"] = "proxy.example.com", ["Coffre:server:trustedProxies:1"] = "10.0.0.1/8", ["Coffre:server:trustedProxies:2"] = "0.0.0.0/0" });
        using var client = factory.Browser();
        using (var answer = await client.GetAsync(new Uri(EmbeddedDashboard.Prefix + "/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode); // an invalid configuration is failing
            using var health = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            Assert.Equal("failing", health.RootElement.GetProperty("status").GetString());
        }
        using (var login = await EmbeddedDashboard.LoginAsync(client, EmbeddedDashboard.User, EmbeddedDashboard.Password, Through(Admin, "https", peer: "10.0.0.1")))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("user admin from 10.0.0.1", Assert.Single(new SignInJournal(factory.LogFolder).Recent(10)).Checked);
        var html = await client.GetStringAsync(new Uri(EmbeddedDashboard.Prefix + "/", UriKind.Relative));
        Assert.Contains("server.trustedProxies[0]", html, StringComparison.Ordinal);
        Assert.Contains("server.trustedProxies[1]", html, StringComparison.Ordinal);
        Assert.Contains("server.trustedProxies[2]", html, StringComparison.Ordinal);
    }
}

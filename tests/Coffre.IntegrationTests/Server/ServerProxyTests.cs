using System.Net;
using System.Text.Json.Nodes;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Server;

namespace Coffre.IntegrationTests.Server;

/// <summary>coffre serve itself (Kestrel, the slim host) behind a proxy on this machine: server.trustedProxies makes it see the client named by X-Forwarded-For.</summary>
public class ServerProxyTests
{
    [Fact]
    public async Task Behind_a_trusted_proxy_the_service_throttles_and_journals_the_real_clients_and_sets_secure_cookies()
    {
        using var dir = new TestDirectory("serve-proxy");
        await using var served = await ServedApp.StartAsync(dir, configure: c => c["server"]!["trustedProxies"] = new JsonArray("127.0.0.1", "::1"));

        using (var wrong = await LoginAsync(served, "not the password", "203.0.113.9", "http"))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using (var right = await LoginAsync(served, ServedApp.Password, "198.51.100.7", "https"))
        {
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode); // another client: not held by the first one's wait
            Assert.Contains(right.Headers.GetValues("Set-Cookie"), c => c.StartsWith("coffre-session=", StringComparison.Ordinal) && c.Contains("; secure", StringComparison.OrdinalIgnoreCase));
        }
        Assert.Equal(["user admin from 203.0.113.9", "user admin from 198.51.100.7"], served.SignIns().Select(r => r.Checked));

        // A body larger than the dashboard's forms is refused before it is read.
        using var big = await served.Client.PostAsync(new Uri("/login", UriKind.Relative), new ByteArrayContent(new byte[1 << 20]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
    }

    private static async Task<HttpResponseMessage> LoginAsync(ServedApp served, string password, string client, string proto)
    {
        var form = await served.Client.GetStringAsync(new Uri("/login", UriKind.Relative));
        using var post = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = ServedApp.Token(form), ["user"] = ServedApp.User, ["password"] = password }),
        };
        post.Headers.Add("X-Forwarded-For", client);
        post.Headers.Add("X-Forwarded-Proto", proto);
        return await served.Client.SendAsync(post);
    }
}

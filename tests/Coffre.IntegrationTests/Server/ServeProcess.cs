using System.Net;
using System.Net.Sockets;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Server;

/// <summary>Helpers for the real <c>coffre serve</c> process (also used by tests/Coffre.EndToEndTests): a free port, the wait until it answers.</summary>
internal static class ServeProcess
{
    /// <summary>A port of 127.0.0.1 that nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Waits (up to 30 s) until <c>/health</c> answers (200, or 503 when something is failing); fails at once when the process exited.</summary>
    public static async Task WaitForHealthAsync(HttpClient client, RunningProcess server)
    {
        for (var i = 0; i < 300; i++)
        {
            Assert.False(server.HasExited, "coffre serve exited: " + (server.HasExited ? server.Wait(TimeSpan.FromSeconds(5)).Describe() : ""));
            try
            {
                using var r = await client.GetAsync(new Uri("/health", UriKind.Relative));
                if (r.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("coffre serve did not answer /health");
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Server;

/// <summary>
/// <c>coffre serve</c> under systemd (<c>Type=notify</c>): a unix datagram socket stands in for systemd's
/// $NOTIFY_SOCKET; the service must say READY=1 only once it accepts connections, STOPPING=1 at SIGTERM, and write
/// its log lines with journald's level prefixes.
/// </summary>
public class ServeSystemdTests
{
    [Fact]
    public async Task Serve_notifies_ready_once_kestrel_listens_and_logs_with_journald_levels()
    {
        using var dir = new TestDirectory("serve-systemd");
        var port = ServeProcess.FreePort();
        await using (var setup = await ServedApp.StartAsync(dir)) { } // the app, its coffre.json and repository
        var app = Path.Combine(dir.Path, "app");
        var socketPath = Path.Combine(dir.Path, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));

        var coffre = new CoffreRunner(null) { WorkingDirectory = app };
        coffre.Environment["NOTIFY_SOCKET"] = socketPath;
        using var server = coffre.Start("serve", "--listen", $"127.0.0.1:{port}");

        var ready = await ReceiveAsync(notify, "READY=1", server);
        // At the very moment of READY=1 the port accepts connections: no retry here.
        using (var probe = new TcpClient())
            await probe.ConnectAsync(IPAddress.Loopback, port);
        Assert.Contains("READY=1", ready, StringComparison.Ordinal);
        using (var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") })
        using (var health = await client.GetAsync(new Uri("/health", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        ProcessRunner.Run("/bin/kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)], new Dictionary<string, string?>());
        Assert.Contains("STOPPING=1", await ReceiveAsync(notify, "STOPPING=1", server, exitAllowed: true), StringComparison.Ordinal);
        var stopped = server.Wait(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.Describe());
        // Each log line starts with its syslog level for journald: <6> information ("health at start" is one).
        var lines = stopped.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("<6>", StringComparison.Ordinal) && l.Contains("health at start", StringComparison.Ordinal));
        Assert.All(lines.Where(l => l.Contains("Coffre.", StringComparison.Ordinal)), l => Assert.Matches("^<[0-7]>", l));
    }

    [Fact]
    public async Task Without_a_notify_socket_serve_logs_plain_lines()
    {
        using var dir = new TestDirectory("serve-nosystemd");
        var port = ServeProcess.FreePort();
        await using (var setup = await ServedApp.StartAsync(dir)) { }
        var coffre = new CoffreRunner(null) { WorkingDirectory = Path.Combine(dir.Path, "app") };
        using var server = coffre.Start("serve", "--listen", $"127.0.0.1:{port}");
        using (var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") })
            await ServeProcess.WaitForHealthAsync(client, server);
        ProcessRunner.Run("/bin/kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)], new Dictionary<string, string?>());
        var stopped = server.Wait(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.Describe());
        Assert.Contains("health at start", stopped.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("<6>", stopped.StdOut, StringComparison.Ordinal);
    }

    /// <summary>The datagrams received until one contains <paramref name="expected"/> (up to 2 minutes).</summary>
    private static async Task<string> ReceiveAsync(Socket socket, string expected, RunningProcess server, bool exitAllowed = false)
    {
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var receive = socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).AsTask();
            while (!receive.IsCompleted)
            {
                if (!exitAllowed && server.HasExited) Assert.Fail("coffre serve exited before " + expected + ": " + server.Wait(TimeSpan.FromSeconds(5)).Describe());
                await Task.WhenAny(receive, Task.Delay(100));
            }
            var n = await receive;
            var text = Encoding.UTF8.GetString(buffer, 0, n);
            seen.Append(text).Append('\n');
            if (text.Split('\n').Contains(expected)) return seen.ToString();
        }
    }
}

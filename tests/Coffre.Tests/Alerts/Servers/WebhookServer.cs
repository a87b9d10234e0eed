using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Coffre.Tests.Alerts;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 (a free port) that records each request and answers with the next status
/// of <see cref="Statuses"/> (200 once they run out). One request per connection (it answers Connection: close).
/// </summary>
internal sealed class WebhookServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public WebhookServer(params int[] statuses)
    {
        foreach (var s in statuses) Statuses.Enqueue(s);
        listener.Start();
        loop = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}/hooks/T000/secret-token";

    public ConcurrentQueue<int> Statuses { get; } = new();

    /// <summary>Every request received (also those answered with an error).</summary>
    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>The bodies of the requests that were answered 2xx, parsed.</summary>
    public List<JsonObject> Delivered => [.. Requests.Where(r => r.Status is >= 200 and < 300).Select(r => JsonNode.Parse(r.Body)!.AsObject())];

    internal sealed record Request(string Method, string Path, Dictionary<string, string> Headers, string Body, int Status);

    private async Task AcceptLoop()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var head = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(head))
        {
            if (await stream.ReadAsync(one) == 0) return;
            head.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var start = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        var status = Statuses.TryDequeue(out var s) ? s : 200;
        Requests.Enqueue(new Request(start[0], start[1], headers, Encoding.UTF8.GetString(body), status));
        var reply = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {(status < 300 ? "OK" : "Error")}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(reply);
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        try { loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        stop.Dispose();
    }
}

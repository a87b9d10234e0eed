using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Coffre.IntegrationTests.Storage.Rest;

/// <summary>
/// A hand-written HTTP/1.1 server on 127.0.0.1 that answers as a hostile or broken REST server would: each request
/// goes to <c>answer(method, path, stream)</c>, which writes whatever raw reply it likes. Counts the bytes it
/// managed to send, so a test can tell how much a client swallowed before it gave up.
/// </summary>
internal sealed class HostileRestServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, string, Stream, CancellationToken, Task> _answer;
    private readonly Task _loop;
    private long _sent;

    public HostileRestServer(Func<string, string, Stream, CancellationToken, Task> answer)
    {
        _answer = answer;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public string Location => $"rest:http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
    public long BytesSent => Interlocked.Read(ref _sent);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                if (head is null) return;
                var parts = head.Split(' ');
                await _answer(parts[0], parts[1], new CountingStream(stream, this), _stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
        }
    }

    /// <summary>The request line, after reading the headers (bodies are not read: the tests only send small ones).</summary>
    private static async Task<string?> ReadHeadAsync(Stream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 65536)
        {
            if (await stream.ReadAsync(one) == 0) return null;
            buffer.Add(one[0]);
            if (buffer.Count >= 4 && buffer[^1] == '\n' && buffer[^2] == '\r' && buffer[^3] == '\n' && buffer[^4] == '\r')
                return Encoding.ASCII.GetString([.. buffer]).Split("\r\n")[0];
        }
        return null;
    }

    public static async Task WriteAsync(Stream s, string text, CancellationToken ct) => await s.WriteAsync(Encoding.ASCII.GetBytes(text), ct);

    /// <summary>Writes <paramref name="chunk"/> again and again, as one endless chunked body.</summary>
    public static async Task WriteEndlesslyAsync(Stream s, byte[] chunk, CancellationToken ct)
    {
        var framed = Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n").Concat(chunk).Concat("\r\n"u8.ToArray()).ToArray();
        while (!ct.IsCancellationRequested) await s.WriteAsync(framed, ct);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
        _stop.Dispose();
    }

    private sealed class CountingStream(Stream inner, HostileRestServer owner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            Interlocked.Add(ref owner._sent, buffer.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}

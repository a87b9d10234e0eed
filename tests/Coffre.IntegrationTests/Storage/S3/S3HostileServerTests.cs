using System.Net;
using System.Text;
using Coffre.Model;
using Coffre.Storage;
using Coffre.Storage.S3;
using S3Location = Coffre.Storage.S3.S3Location;

namespace Coffre.IntegrationTests.Storage.S3;

/// <summary>
/// Replies Ceph never gives, from a small hostile HTTP server on 127.0.0.1: each must end in a clear IOException
/// (bounded time, bounded memory), never in wrong bytes, a crash or an endless loop.
/// </summary>
public sealed class S3HostileServerTests
{
    private static readonly string Id = BlobId.Hash("x"u8).ToString();

    private static S3Backend Backend(HostileServer server) => S3Backend.Open(
        S3Location.Parse($"s3:http://127.0.0.1:{server.Port}/bucket/p"),
        new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "id", ["AWS_SECRET_ACCESS_KEY"] = "secret" });

    [Fact]
    public async Task A_listing_whose_continuation_token_never_advances_stops_with_an_error()
    {
        using var server = new HostileServer(async c =>
        {
            var xml = $"""
                <?xml version="1.0" encoding="UTF-8"?>
                <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><Prefix>p/snapshots/</Prefix>
                <KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><NextContinuationToken>same</NextContinuationToken>
                <Contents><Key>p/snapshots/{Id}</Key><Size>3</Size></Contents></ListBucketResult>
                """;
            await c.ReplyAsync(200, "application/xml", Encoding.UTF8.GetBytes(xml));
        });
        using var backend = Backend(server);
        var seen = new List<string>();
        var e = await Assert.ThrowsAnyAsync<IOException>(async () => { await foreach (var x in backend.ListAsync(FileType.Snapshot, default)) seen.Add(x.Name); });
        Assert.Contains("does not advance", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, seen.Count); // the same page twice, then the loop is refused
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task A_server_that_ignores_the_byte_range_is_refused_rather_than_trusted()
    {
        var body = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        using var server = new HostileServer(c => c.ReplyAsync(200, "application/octet-stream", body));
        using var backend = Backend(server);
        var buffer = new byte[10];
        var e = await Assert.ThrowsAnyAsync<IOException>(() => backend.ReadAtAsync(new StorageHandle(FileType.Pack, Id), 50, buffer, default));
        Assert.Contains("ignored the byte range", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_shorter_than_announced_is_an_error_not_a_short_object()
    {
        using var server = new HostileServer(async c =>
        {
            c.Response.StatusCode = 200;
            c.Response.ContentLength64 = 1000;
            await c.Response.OutputStream.WriteAsync(new byte[300]);
            c.Response.Abort(); // the connection drops after 300 of the 1000 bytes
        });
        using var backend = Backend(server);
        await Assert.ThrowsAnyAsync<IOException>(() => backend.LoadAsync(new StorageHandle(FileType.Index, Id), default));
    }

    [Fact]
    public async Task An_announced_size_too_large_to_hold_is_refused_before_reading()
    {
        using var server = new HostileServer(async c =>
        {
            c.Response.StatusCode = 200;
            c.Response.ContentLength64 = 5L << 30;
            await c.Response.OutputStream.WriteAsync(new byte[1000]);
            c.Response.Abort();
        });
        using var backend = Backend(server);
        var e = await Assert.ThrowsAnyAsync<IOException>(() => backend.LoadAsync(new StorageHandle(FileType.Index, Id), default));
        Assert.Contains("announces", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_and_garbage_are_IO_errors_with_the_servers_words_cut_short()
    {
        var junk = new string('\u0007', 10) + new string('A', 5000);
        using var server = new HostileServer(c => c.ReplyAsync(500, "text/plain", Encoding.UTF8.GetBytes(junk)));
        using var backend = Backend(server);
        var e = await Assert.ThrowsAnyAsync<IOException>(() => backend.LoadAsync(new StorageHandle(FileType.Index, Id), default));
        Assert.Contains("temporary", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 600, e.Message);
        Assert.DoesNotContain('\u0007', e.Message);

        using var garbage = new HostileServer(c => c.ReplyAsync(200, "application/xml", "<<<not xml"u8.ToArray()));
        using var b2 = Backend(garbage);
        await Assert.ThrowsAnyAsync<IOException>(async () => { await foreach (var _ in b2.ListAsync(FileType.Snapshot, default)) { } });
    }

    /// <summary>An HTTP server on a free loopback port answering every request with one handler.</summary>
    private sealed class HostileServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        private int _requests;

        public HostileServer(Func<Context, Task> handler)
        {
            for (var attempt = 0; ; attempt++)
            {
                Port = Random.Shared.Next(20_000, 60_000);
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
                try { _listener.Start(); break; }
                catch (HttpListenerException) when (attempt < 20) { }
            }
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext c;
                    try { c = await _listener.GetContextAsync(); }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                    Interlocked.Increment(ref _requests);
                    try { await handler(new Context(c)); }
                    catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { }
                    finally { try { c.Response.Close(); } catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { } }
                }
            });
        }

        public int Port { get; private set; }
        public int Requests => Volatile.Read(ref _requests);

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(10));
        }
    }

    private sealed class Context(HttpListenerContext inner)
    {
        public HttpListenerResponse Response => inner.Response;

        public async Task ReplyAsync(int status, string type, byte[] body)
        {
            inner.Response.StatusCode = status;
            inner.Response.ContentType = type;
            inner.Response.ContentLength64 = body.Length;
            await inner.Response.OutputStream.WriteAsync(body);
        }
    }
}

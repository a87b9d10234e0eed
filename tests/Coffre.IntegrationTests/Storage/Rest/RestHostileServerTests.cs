using System.Text;
using Coffre.Model;
using Coffre.Storage;
using Coffre.Storage.Rest;

namespace Coffre.IntegrationTests.Storage.Rest;

/// <summary>
/// Replies no honest REST server sends: endless or oversized listings and objects, lies about sizes and ranges,
/// floods of error text, silence. Each gives a clear error and the client stops reading early (bounded memory),
/// never a crash or a hang.
/// </summary>
public sealed class RestHostileServerTests
{
    private static readonly StorageHandle Index = new(FileType.Index, new string('a', 64));
    private static readonly StorageHandle Pack = new(FileType.Pack, new string('b', 64));

    private const string ChunkedListing = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.x.restic.rest.v2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";

    private static RestBackend Open(HostileRestServer server, RestOptions? options = null) =>
        RestBackend.Open(RestLocation.Parse(server.Location), new Dictionary<string, string?>(), options ?? RestOptions.Default);

    [Fact]
    public async Task An_endless_listing_entry_is_refused_after_a_bounded_read()
    {
        using var server = new HostileRestServer(async (_, _, s, ct) =>
        {
            await HostileRestServer.WriteAsync(s, ChunkedListing + "a\r\n[{\"name\":\"\r\n", ct);
            await HostileRestServer.WriteEndlesslyAsync(s, Encoding.ASCII.GetBytes(new string('a', 4000)), ct);
        });
        using var backend = Open(server);
        var e = await Assert.ThrowsAnyAsync<IOException>(async () => { await foreach (var _ in backend.ListAsync(FileType.Pack, default)) { } });
        Assert.True(e.Message.Contains("an entry longer than 64 KiB", StringComparison.Ordinal), e.Message);
        Assert.True(server.BytesSent < 64 << 20, $"the client read {server.BytesSent} bytes of one listing entry");
    }

    [Fact]
    public async Task An_endless_listing_of_valid_entries_streams_in_bounded_memory()
    {
        var entry = Encoding.ASCII.GetBytes($"{{\"name\":\"{new string('c', 64)}\",\"size\":7}},");
        using var server = new HostileRestServer(async (_, _, s, ct) =>
        {
            await HostileRestServer.WriteAsync(s, ChunkedListing + "1\r\n[\r\n", ct);
            await HostileRestServer.WriteEndlesslyAsync(s, [.. Enumerable.Repeat(entry, 100).SelectMany(b => b)], ct);
        });
        using var backend = Open(server);
        var seen = 0;
        await foreach (var e in backend.ListAsync(FileType.Pack, default))
        {
            Assert.Equal(new StorageEntry(new string('c', 64), 7), e);
            if (++seen == 200_000) break; // 17 MB of listing
        }
        Assert.Equal(200_000, seen);
    }

    [Theory]
    [InlineData("[{\"name\":\"" + "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" + "\",\"size\":-5}]", "no valid size")]
    [InlineData("{\"name\":\"x\"}", "not valid JSON")]
    [InlineData("[{\"name\":\"x\",\"size\":1}", "not valid JSON")]
    [InlineData("[{\"name\":5,\"size\":1}]", "wrong type")]
    public async Task A_malformed_listing_is_refused(string body, string expected)
    {
        using var server = new HostileRestServer(async (_, _, s, ct) =>
            await HostileRestServer.WriteAsync(s, $"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.x.restic.rest.v2\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}", ct));
        using var backend = Open(server);
        var e = await Assert.ThrowsAnyAsync<IOException>(async () => { await foreach (var _ in backend.ListAsync(FileType.Index, default)) { } });
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listed_names_that_are_not_object_names_are_left_out()
    {
        var good = new string('e', 64);
        var body = $"[{{\"name\":\"../../etc/passwd\",\"size\":1}},{{\"name\":\"{good}\",\"size\":2,\"extra\":[1,{{\"x\":2}}]}},{{\"name\":\"{good.ToUpperInvariant()}\",\"size\":3}}]";
        using var server = new HostileRestServer(async (_, _, s, ct) =>
            await HostileRestServer.WriteAsync(s, $"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.x.restic.rest.v2\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}", ct));
        using var backend = Open(server);
        var listed = new List<StorageEntry>();
        await foreach (var e in backend.ListAsync(FileType.Snapshot, default)) listed.Add(e);
        Assert.Equal([new StorageEntry(good, 2)], listed);
    }

    [Fact]
    public async Task A_small_object_announced_huge_is_refused_before_reading()
    {
        using var server = new HostileRestServer(async (_, _, s, ct) =>
        {
            await HostileRestServer.WriteAsync(s, "HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\nConnection: close\r\n\r\n", ct);
            await HostileRestServer.WriteEndlesslyAsync(s, new byte[65536], ct); // never a valid chunk: the client must not read it
        });
        using var backend = Open(server);
        var e = await Assert.ThrowsAnyAsync<IOException>(() => backend.LoadAsync(Index, default));
        Assert.Contains("announces 10737418240 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endless_small_object_is_cut_at_the_limit()
    {
        using var server = new HostileRestServer(async (_, _, s, ct) =>
        {
            await HostileRestServer.WriteAsync(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", ct);
            await HostileRestServer.WriteEndlesslyAsync(s, new byte[65536], ct);
        });
        using var backend = Open(server, RestOptions.Default with { MaxSmallObjectBytes = 1 << 20 });
        var e = await Assert.ThrowsAnyAsync<IOException>(() => backend.LoadAsync(Index, default));
        Assert.Contains("sends more than the 1 MiB", e.Message, StringComparison.Ordinal);
        Assert.True(server.BytesSent < 64 << 20, $"the client read {server.BytesSent} bytes of a 1 MiB-limited object");
    }

    [Fact]
    public async Task A_range_answered_from_the_wrong_offset_is_refused()
    {
        using var server = new HostileRestServer(async (_, _, s, ct) =>
            await HostileRestServer.WriteAsync(s, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-3/100\r\nContent-Length: 4\r\nConnection: close\r\n\r\nabcd", ct));
        using var backend = Open(server);
        var e = await Assert.ThrowsAnyAsync<IOException>(() => backend.ReadAtAsync(Pack, 50, new byte[4], default));
        Assert.Contains("asked for bytes from 50, the server sent bytes from 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_ignores_ranges_still_gives_the_right_bytes()
    {
        var whole = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        using var server = new HostileRestServer(async (_, _, s, ct) =>
        {
            await HostileRestServer.WriteAsync(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n", ct);
            await s.WriteAsync(whole, ct);
        });
        using var backend = Open(server);
        var buffer = new byte[10];
        Assert.Equal(10, await backend.ReadAtAsync(Pack, 40, buffer, default));
        Assert.Equal(whole[40..50], buffer);
    }

    [Fact]
    public async Task A_flood_of_error_text_gives_a_short_printable_message()
    {
        using var server = new HostileRestServer(async (_, _, s, ct) =>
        {
            await HostileRestServer.WriteAsync(s, "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", ct);
            await HostileRestServer.WriteEndlesslyAsync(s, Encoding.ASCII.GetBytes("disk on fire\u001b[2J\r\n" + new string('!', 5000)), ct);
        });
        using var backend = Open(server);
        var e = await Assert.ThrowsAnyAsync<IOException>(() => backend.LoadAsync(Index, default));
        Assert.StartsWith("cannot read index/", e.Message, StringComparison.Ordinal);
        Assert.Contains("500 InternalServerError: disk on fire", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 600 && !e.Message.Any(char.IsControl), e.Message);
    }

    [Fact]
    public async Task A_server_that_stops_answering_is_cut_off()
    {
        using var server = new HostileRestServer(async (_, _, _, ct) => await Task.Delay(Timeout.Infinite, ct));
        using var backend = Open(server, RestOptions.Default with { StallTimeout = TimeSpan.FromSeconds(1) });
        var e = await Assert.ThrowsAnyAsync<IOException>(() => backend.ExistsAsync(default));
        Assert.Contains("the server made no progress for 1 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_download_that_stalls_midway_is_cut_off()
    {
        using var server = new HostileRestServer(async (_, _, s, ct) =>
        {
            await HostileRestServer.WriteAsync(s, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n", ct);
            await s.WriteAsync(new byte[1000], ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        using var backend = Open(server, RestOptions.Default with { StallTimeout = TimeSpan.FromSeconds(1) });
        await using var stream = await backend.OpenReadAsync(Pack, default);
        var e = await Assert.ThrowsAnyAsync<IOException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Contains("the server made no progress for 1 s", e.Message, StringComparison.Ordinal);
    }
}

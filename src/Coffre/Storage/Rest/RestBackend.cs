using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Coffre.Storage.Rest;

/// <summary>
/// A repository behind restic's REST protocol, version 2 (restic's doc/REST_backend): <c>POST /?create=true</c>,
/// then per object <c>HEAD|GET|POST|DELETE /config</c> and <c>/{data,keys,locks,snapshots,index}/NAME</c>, reads with
/// <c>Range</c>, listings as JSON under the v2 media type. The server makes each upload atomic (rest-server writes a
/// temp file and renames it; rclone removes a partial upload). Every reply is treated as hostile: sizes checked,
/// small objects and listing entries read into bounded buffers, a server that stops answering cut off after
/// <see cref="RestOptions.StallTimeout"/>.
/// </summary>
public sealed class RestBackend : IStorageBackend, IDisposable, IBreakable
{
    private const string V2MediaType = "application/vnd.x.restic.rest.v2";

    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly RestOptions _options;
    private readonly Func<string?>? _explainTransportFailure;
    private readonly IDisposable? _transport;

    /// <param name="http">Sends the requests; owned and disposed by this backend.</param>
    /// <param name="baseUrl">The repository's URL, ending with '/', without credentials.</param>
    /// <param name="location">How messages name the repository (never holds a secret).</param>
    /// <param name="explainTransportFailure">Why the transport failed when it can tell (rclone: the child's exit and stderr).</param>
    /// <param name="transport">What carries the requests besides the client (rclone's child process): disposed last.</param>
    internal RestBackend(HttpClient http, Uri baseUrl, string location, RestOptions options, Func<string?>? explainTransportFailure = null, IDisposable? transport = null)
    {
        _transport = transport;
        _http = http;
        _base = baseUrl;
        Location = location;
        _options = options;
        _explainTransportFailure = explainTransportFailure;
    }

    /// <summary>
    /// Opens the repository at <paramref name="location"/>; the user and the password come from the location, each
    /// else from <c>RESTIC_REST_USERNAME</c> / <c>RESTIC_REST_PASSWORD</c> in <paramref name="environment"/>.
    /// </summary>
    public static IStorageBackend Open(RestLocation location, IReadOnlyDictionary<string, string?> environment) =>
        Open(location, environment, RestOptions.Default);

    internal static RestBackend Open(RestLocation location, IReadOnlyDictionary<string, string?> environment, RestOptions options)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(environment);
        var user = location.Username ?? environment.GetValueOrDefault("RESTIC_REST_USERNAME");
        // A user in the location and the password in RESTIC_REST_PASSWORD keeps the secret out of the location.
        var password = location.Password ?? environment.GetValueOrDefault("RESTIC_REST_PASSWORD");
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.StallTimeout,
            MaxConnectionsPerServer = options.Connections,
            AllowAutoRedirect = false, // a redirect would carry the credentials elsewhere
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            UseCookies = false,
            UseProxy = true,
        };
        var http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(user) || !string.IsNullOrEmpty(password))
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        var shown = location.Username is null && user is not null ? $"{location} (user {user} from RESTIC_REST_USERNAME)" : location.ToString();
        return new RestBackend(http, location.Url, shown, options);
    }

    public string Location { get; }

    /// <summary>What carries the requests (rclone's child) is gone for good.</summary>
    public bool IsBroken => _transport is IBreakable t && t.IsBroken;

    /// <summary>A remote server: packs are staged by the writer in a private local folder and sent once.</summary>
    public BackendProperties Properties { get; } = BackendProperties.Remote(maxConnections: 5);

    /// <summary>restic's REST protocol has no free-space query.</summary>
    public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => Task.FromResult(StorageCapacity.Unknown);

    private Uri UrlOf(StorageHandle h) => h.Type == FileType.Config ? new Uri(_base, "config") : new Uri(_base, $"{FolderOf(h.Type)}/{h.Name}");

    private static string FolderOf(FileType type) => RepositoryLayout.FolderOf(type);

    public async Task<bool> ExistsAsync(CancellationToken ct) => await StatAsync(StorageHandle.Config, ct).ConfigureAwait(false) is not null;

    public async Task CreateAsync(CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, new Uri(_base, "?create=true"), null, "create the repository", ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, null, "create the repository", ct).ConfigureAwait(false);
    }

    public Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        return UploadAsync(handle, source.Open, source.Length, ct);
    }

    /// <summary>
    /// The one upload path: <paramref name="open"/> gives a fresh stream over the object's bytes from the start,
    /// <paramref name="length"/> long. A name that exists already is refused before anything is sent (the protocol
    /// would overwrite it on a server that is not append-only).
    /// </summary>
    private async Task UploadAsync(StorageHandle handle, Func<Stream> open, long length, CancellationToken ct)
    {
        if (await StatAsync(handle, ct).ConfigureAwait(false) is not null) throw new IOException($"{handle} already exists in {Location}");
        var what = $"store {handle}";
        using var guard = new StallGuard(_options.StallTimeout, ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, UrlOf(handle));
        var body = new GuardedStream(open(), guard, () => Stalled(guard, what));
        request.Content = new StreamContent(body, 1 << 16);
        request.Content.Headers.ContentLength = length;
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await SendAsync(request, guard, what, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Forbidden)
            throw new IOException($"the server refused to store {handle} in {Location} (403 Forbidden): the object may exist already on an append-only server, or the user may not write there");
        await EnsureSuccessAsync(response, handle, what, ct).ConfigureAwait(false);
    }

    public async Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct)
    {
        var what = $"read {handle}";
        using var guard = new StallGuard(_options.StallTimeout, ct);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, UrlOf(handle)), guard, what, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        await EnsureSuccessAsync(response, handle, what, ct).ConfigureAwait(false);
        var declared = response.Content.Headers.ContentLength;
        var limit = _options.MaxSmallObjectBytes;
        if (declared > limit)
            throw new IOException($"{handle} in {Location}: the server announces {declared} bytes, more than the {limit >> 20} MiB such an object may have");
        await using var body = new GuardedStream(await response.Content.ReadAsStreamAsync(guard.Token).ConfigureAwait(false), guard, () => Stalled(guard, what));
        var bytes = await ReadBoundedAsync(body, limit, (int)(declared ?? 0), ct).ConfigureAwait(false)
            ?? throw new IOException($"{handle} in {Location}: the server sends more than the {limit >> 20} MiB such an object may have");
        if (declared is { } d && d != bytes.Length) throw new TransientStorageException($"{handle} in {Location}: the server announced {d} bytes and sent {bytes.Length}");
        return bytes;
    }

    /// <summary>The whole stream, or null when it holds more than <paramref name="limit"/> bytes (it stops reading there).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, int limit, int expected, CancellationToken ct)
    {
        using var memory = new MemoryStream(expected);
        var chunk = new byte[1 << 16];
        while (true)
        {
            var n = await body.ReadAsync(chunk, ct).ConfigureAwait(false);
            if (n == 0) return memory.ToArray();
            if (memory.Length + n > limit) return null;
            memory.Write(chunk, 0, n);
        }
    }

    public async Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (buffer.Length == 0) return 0;
        var what = $"read {buffer.Length} bytes at {offset} of {handle}";
        using var guard = new StallGuard(_options.StallTimeout, ct);
        var request = new HttpRequestMessage(HttpMethod.Get, UrlOf(handle));
        request.Headers.Range = new RangeHeaderValue(offset, offset + buffer.Length - 1);
        using var response = await SendAsync(request, guard, what, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) return 0; // at or past the end
        await EnsureSuccessAsync(response, handle, what, ct).ConfigureAwait(false);
        await using var body = new GuardedStream(await response.Content.ReadAsStreamAsync(guard.Token).ConfigureAwait(false), guard, () => Stalled(guard, what));
        if (response.StatusCode == HttpStatusCode.OK)
            await SkipAsync(body, offset, ct).ConfigureAwait(false); // the server ignored the range and sends the whole object
        else if (response.Content.Headers.ContentRange is { From: { } from } && from != offset)
            throw new IOException($"{handle} in {Location}: asked for bytes from {offset}, the server sent bytes from {from}");
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await body.ReadAsync(buffer[total..], ct).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static async Task SkipAsync(Stream body, long count, CancellationToken ct)
    {
        var chunk = new byte[1 << 16];
        while (count > 0)
        {
            var n = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, count)), ct).ConfigureAwait(false);
            if (n == 0) return;
            count -= n;
        }
    }

    public async Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct)
    {
        var what = $"read {handle}";
        var guard = new StallGuard(_options.StallTimeout, ct);
        HttpResponseMessage? response = null;
        try
        {
            response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, UrlOf(handle)), guard, what, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            await EnsureSuccessAsync(response, handle, what, ct).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(guard.Token).ConfigureAwait(false);
            return new GuardedStream(stream, guard, () => Stalled(guard, what), response, guard);
        }
        catch
        {
            response?.Dispose();
            guard.Dispose();
            throw;
        }
    }

    public async Task<long?> StatAsync(StorageHandle handle, CancellationToken ct)
    {
        var what = $"look up {handle}";
        using var guard = new StallGuard(_options.StallTimeout, ct);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Head, UrlOf(handle)), guard, what, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(response, handle, what, ct).ConfigureAwait(false);
        return response.Content.Headers.ContentLength is { } size and >= 0
            ? size
            : throw new IOException($"{handle} in {Location}: the server gives no size for it");
    }

    public async IAsyncEnumerable<StorageEntry> ListAsync(FileType type, [EnumeratorCancellation] CancellationToken ct)
    {
        if (type == FileType.Config)
        {
            if (await StatAsync(StorageHandle.Config, ct).ConfigureAwait(false) is { } size) yield return new StorageEntry("config", size);
            yield break;
        }
        var what = $"list {FolderOf(type)}/";
        using var guard = new StallGuard(_options.StallTimeout, ct);
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, FolderOf(type) + "/"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(V2MediaType));
        using var response = await SendAsync(request, guard, what, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        await EnsureSuccessAsync(response, null, what, ct).ConfigureAwait(false);
        if (response.Content.Headers.ContentType?.MediaType != V2MediaType)
            throw new IOException($"{Location} does not answer {what} in REST protocol v2 (media type {Printable(response.Content.Headers.ContentType?.MediaType ?? "none")}): use restic's rest-server 0.9 or later, or rclone serve restic");
        await using var body = new GuardedStream(await response.Content.ReadAsStreamAsync(guard.Token).ConfigureAwait(false), guard, () => Stalled(guard, what));
        await foreach (var entry in RestListing.ReadAsync(body, $"{Location}: {what}", ct).ConfigureAwait(false))
            yield return entry;
    }

    public async Task RemoveAsync(StorageHandle handle, CancellationToken ct)
    {
        var what = $"delete {handle}";
        using var guard = new StallGuard(_options.StallTimeout, ct);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, UrlOf(handle)), guard, what, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Forbidden)
            throw new CoffreException($"the server is append-only: it refuses to delete {handle} from {Location}. Run forget and prune where the server allows deleting (without --append-only), as its administrator");
        await EnsureSuccessAsync(response, handle, what, ct).ConfigureAwait(false);
    }

    /// <summary>The server keeps its own temp files out of sight; nothing of this client's stays there.</summary>
    public Task<int> RemoveLeftoversAsync(CancellationToken ct) => Task.FromResult(0);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, HttpContent? content, string what, CancellationToken ct)
    {
        using var guard = new StallGuard(_options.StallTimeout, ct);
        var request = new HttpRequestMessage(method, url) { Content = content };
        var response = await SendAsync(request, guard, what, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
        return response;
    }

    /// <summary>Sends one request; a transport failure or a stall becomes an <see cref="IOException"/> naming the server.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, StallGuard guard, string what, HttpCompletionOption completion)
    {
        request.Version = _options.HttpVersion;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        try { return await _http.SendAsync(request, completion, guard.Token).ConfigureAwait(false); }
        catch (OperationCanceledException e) when (guard.Stalled)
        {
            throw Lost(Stalled(guard, what), e);
        }
        catch (HttpRequestException e)
        {
            throw Lost($"cannot {what} in {Location}: {_explainTransportFailure?.Invoke() ?? Printable(e.Message)}", e);
        }
        catch (IOException e) when (_explainTransportFailure?.Invoke() is { } why)
        {
            throw Lost($"cannot {what} in {Location}: {why}", e);
        }
    }

    /// <summary>A lost request is worth retrying, unless what carries it is gone for good (rclone's child exited).</summary>
    private IOException Lost(string message, Exception inner) =>
        IsBroken ? new IOException(message, inner) : new TransientStorageException(message, inner);

    private string Stalled(StallGuard guard, string what) =>
        _explainTransportFailure?.Invoke() is { } why
            ? $"cannot {what} in {Location}: {why}"
            : $"cannot {what} in {Location}: the server made no progress for {guard.Limit.TotalSeconds:0} s";

    /// <summary>Maps a failed status to the error the contract asks for; the server's text is shortened and made printable.</summary>
    private async Task EnsureSuccessAsync(HttpResponseMessage response, StorageHandle? handle, string what, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300) return;
        if (response.StatusCode == HttpStatusCode.NotFound && handle is { } h) throw new StorageNotFoundException(h, Location);
        var detail = await ReadSnippetAsync(response, ct).ConfigureAwait(false);
        var answer = $"{status} {Printable(response.StatusCode.ToString())}{(detail.Length > 0 ? $": {detail}" : "")}";
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            throw new CoffreException($"{Location} refused the credentials ({answer}): give the right user and password in the location or in RESTIC_REST_USERNAME and RESTIC_REST_PASSWORD");
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new CoffreException($"{Location} has no repository there ({answer} to {what}): check the URL and its prefix", ExitCodes.NoRepository);
        if (status >= 500 || status is 408 or 429)
            throw new TransientStorageException($"cannot {what} in {Location}: the server answered {answer}");
        throw new IOException($"cannot {what} in {Location}: the server answered {answer}");
    }

    /// <summary>At most 200 printable characters of an error body: enough to say why, never a flood.</summary>
    private static async Task<string> ReadSnippetAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(5));
            await using var body = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
            var buffer = new byte[200];
            var total = 0;
            while (total < buffer.Length)
            {
                var n = await body.ReadAsync(buffer.AsMemory(total), cts.Token).ConfigureAwait(false);
                if (n == 0) break;
                total += n;
            }
            return Printable(Encoding.UTF8.GetString(buffer, 0, total)).Trim();
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException) { return ""; }
    }

    private static string Printable(string s)
    {
        var b = new StringBuilder(Math.Min(s.Length, 200));
        foreach (var c in s.AsSpan(0, Math.Min(s.Length, 200))) b.Append(char.IsControl(c) ? ' ' : c);
        return b.ToString();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        _http.Dispose();
        _transport?.Dispose();
    }
}

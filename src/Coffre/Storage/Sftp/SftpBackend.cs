using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Coffre.Model;

namespace Coffre.Storage.Sftp;

/// <summary>
/// A repository on an SFTP server, reached through the system <c>ssh</c> as restic does, in restic's layout (config,
/// keys/, snapshots/, index/, locks/, data/XX/). One ssh connection carries every request, many in flight at once; a
/// connection that dies is replaced on the next call. An object is written to <c>NAME-tmp-RANDOM</c> beside its
/// place, fsynced (fsync@openssh.com) and renamed with SSH_FXP_RENAME, which OpenSSH does as link + unlink: a
/// partial object is never visible under its name and an existing one is never replaced.
/// </summary>
public sealed class SftpBackend : IStorageBackend, IDisposable
{
    private static IReadOnlyList<string> TopFolders => RepositoryLayout.TopFolders;
    private const uint FolderMode = 0x1C0; // 0700
    private const uint ObjectMode = 0x100; // 0400, as restic and the local backend leave objects
    private const int WritesInFlight = 16;
    private const int ReadsInFlight = 16;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    private readonly IReadOnlyList<string> _command;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private SftpSession? _session;
    private bool _disposed;

    private SftpBackend(SftpLocation location, IReadOnlyList<string> command, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        Where = location;
        _command = command;
        _environment = environment;
        _timeout = timeout;
    }

    /// <summary>
    /// Opens (lazily: ssh starts on the first call) the repository at <paramref name="location"/>. The ssh command and
    /// its options come from <paramref name="environment"/> (COFFRE_SFTP_COMMAND or COFFRE_SFTP_ARGS, see
    /// <see cref="SftpCommandLine"/>); only the variables ssh needs are passed on to it.
    /// </summary>
    public static IStorageBackend Open(SftpLocation location, IReadOnlyDictionary<string, string?> environment) =>
        Open(location, environment, DefaultTimeout);

    /// <param name="timeout">How long a request may wait for its reply before the connection is declared dead.</param>
    public static SftpBackend Open(SftpLocation location, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(environment);
        return new SftpBackend(location, SftpCommandLine.For(location, environment), environment, timeout);
    }

    public SftpLocation Where { get; }
    public string Location => Where.ToString();

    private string Root => Where.Path;

    private string Join(params string[] parts)
    {
        var root = Root.EndsWith('/') ? Root : Root + "/";
        return root + string.Join('/', parts);
    }

    private string PathOf(StorageHandle h) => h.Type switch
    {
        FileType.Config => Join("config"),
        FileType.Pack => Join("data", h.Name[..2], h.Name),
        _ => Join(FolderOf(h.Type), h.Name),
    };

    private static string FolderOf(FileType type) => RepositoryLayout.FolderOf(type);

    private static void CheckName(StorageHandle h)
    {
        if (h.Type == FileType.Config ? h.Name != "config" : !BlobId.IsIdName(h.Name))
            throw new ArgumentException($"'{h.Name}' is not a repository object name", nameof(h));
    }

    /// <summary>The live session, started (or restarted after a failure) when needed.</summary>
    private async Task<SftpSession> SessionAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var s = Volatile.Read(ref _session);
        if (s is { IsBroken: false }) return s;
        await _connecting.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            s = _session;
            if (s is { IsBroken: false }) return s;
            s?.Dispose();
            _session = null;
            try
            {
                s = await SftpSession.StartAsync(_command, _environment, Location, _timeout, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new IOException($"cannot open the SFTP repository {Location}: {e.Message}", e);
            }
            Volatile.Write(ref _session, s);
            return s;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async Task<bool> ExistsAsync(CancellationToken ct)
    {
        var s = await SessionAsync(ct).ConfigureAwait(false);
        return await s.StatAsync(Join("config"), ct).ConfigureAwait(false) is not null;
    }

    public async Task CreateAsync(CancellationToken ct)
    {
        var s = await SessionAsync(ct).ConfigureAwait(false);
        await MkdirAllAsync(s, Root, ct).ConfigureAwait(false);
        foreach (var f in TopFolders) await EnsureFolderAsync(s, Join(f), ct).ConfigureAwait(false);
        await Task.WhenAll(Enumerable.Range(0, 256).Select(i => EnsureFolderAsync(s, Join("data", i.ToString("x2")), ct))).ConfigureAwait(false);
    }

    private static async Task MkdirAllAsync(SftpSession s, string path, CancellationToken ct)
    {
        if (await s.StatAsync(path, ct).ConfigureAwait(false) is { } a)
        {
            if (!a.IsDirectory) throw new IOException($"{path} exists on the SFTP server and is not a folder");
            return;
        }
        var slash = path.TrimEnd('/').LastIndexOf('/');
        if (slash > 0) await MkdirAllAsync(s, path[..slash], ct).ConfigureAwait(false);
        await EnsureFolderAsync(s, path, ct).ConfigureAwait(false);
    }

    private static async Task EnsureFolderAsync(SftpSession s, string path, CancellationToken ct)
    {
        try
        {
            await s.MkdirAsync(path, FolderMode, ct).ConfigureAwait(false);
        }
        catch (SftpStatusException)
        {
            // Already there (OpenSSH says "failure" for EEXIST): fine when it is a folder.
            if (await s.StatAsync(path, ct).ConfigureAwait(false) is not { IsDirectory: true }) throw;
        }
    }

    /// <summary>Packs are staged by the writer in a private local folder, then streamed once.</summary>
    public BackendProperties Properties { get; } = BackendProperties.Remote(maxConnections: 4);

    public Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        return UploadAsync(handle, source.Open, source.Length, ct);
    }

    /// <summary>SFTP v3 has no portable free-space query.</summary>
    public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => Task.FromResult(StorageCapacity.Unknown);

    /// <summary>
    /// The one upload path: <paramref name="open"/> gives the content from its start, <paramref name="length"/> bytes.
    /// Written to a temp name with <see cref="WritesInFlight"/> writes in flight, fsynced, closed, then renamed.
    /// </summary>
    private async Task UploadAsync(StorageHandle handle, Func<Stream> open, long length, CancellationToken ct)
    {
        CheckName(handle);
        var s = await SessionAsync(ct).ConfigureAwait(false);
        var final = PathOf(handle);
        if (await s.StatAsync(final, ct).ConfigureAwait(false) is not null) throw new IOException($"{handle} already exists in {Location}");
        var temp = $"{final}-tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        // Not cancelled midway: a cancelled OPEN may still create the temp file on the server, with no handle here
        // to remove it by (the session's own timeout bounds the wait).
        ct.ThrowIfCancellationRequested();
        var remote = await OpenForWriteAsync(s, temp, CancellationToken.None).ConfigureAwait(false);
        var closed = false;
        try
        {
            long written;
            await using (var source = open())
                written = await WriteAllAsync(s, remote, temp, source, ct).ConfigureAwait(false);
            if (written != length) throw new IOException($"{handle}: the content to store was {written} bytes, {length} expected");
            await s.FsyncAsync(remote, temp, ct).ConfigureAwait(false);
            closed = true;
            await s.CloseAsync(remote, temp, ct).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            try
            {
                await s.RenameAsync(temp, final, ct).ConfigureAwait(false);
            }
            catch (SftpStatusException e)
            {
                if (await s.StatAsync(final, CancellationToken.None).ConfigureAwait(false) is not null)
                    throw new IOException($"{handle} already exists in {Location}", e);
                throw;
            }
        }
        catch
        {
            await ForgetAsync(s, closed ? null : remote, temp).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<byte[]> OpenForWriteAsync(SftpSession s, string temp, CancellationToken ct)
    {
        const uint flags = SftpProtocol.OpenWrite | SftpProtocol.OpenCreate | SftpProtocol.OpenExclusive;
        try
        {
            return await s.OpenAsync(temp, flags, ObjectMode, ct).ConfigureAwait(false);
        }
        catch (SftpStatusException e) when (e.IsNoSuchFile)
        {
            // The folder is missing (data/XX of a repository another tool made sparse): create it, once.
            var folder = temp[..temp.LastIndexOf('/')];
            await MkdirAllAsync(s, folder, ct).ConfigureAwait(false);
            return await s.OpenAsync(temp, flags, ObjectMode, ct).ConfigureAwait(false);
        }
    }

    private static async Task<long> WriteAllAsync(SftpSession s, byte[] remote, string temp, Stream source, CancellationToken ct)
    {
        var inFlight = new Queue<(Task Write, byte[] Buffer)>();
        long offset = 0;
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(SftpProtocol.ChunkSize);
                var n = await source.ReadAtLeastAsync(buffer.AsMemory(0, SftpProtocol.ChunkSize), SftpProtocol.ChunkSize, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                inFlight.Enqueue((s.WriteAsync(remote, offset, buffer.AsMemory(0, n), temp, ct), buffer));
                offset += n;
                if (inFlight.Count >= WritesInFlight)
                {
                    var (w, b) = inFlight.Dequeue();
                    try { await w.ConfigureAwait(false); }
                    finally { ArrayPool<byte>.Shared.Return(b); }
                }
            }
            while (inFlight.Count > 0)
            {
                var (w, b) = inFlight.Dequeue();
                try { await w.ConfigureAwait(false); }
                finally { ArrayPool<byte>.Shared.Return(b); }
            }
            return offset;
        }
        finally
        {
            // After a failure: let the other writes end before their buffers go back to the pool.
            foreach (var (w, b) in inFlight)
            {
                try { await w.ConfigureAwait(false); } catch (IOException) { } catch (OperationCanceledException) { }
                ArrayPool<byte>.Shared.Return(b);
            }
        }
    }

    /// <summary>After a failed or cancelled save: close and remove the temp file, if the connection still allows it.</summary>
    private async Task ForgetAsync(SftpSession s, byte[]? remote, string temp)
    {
        if (s.IsBroken) return; // RemoveLeftoversAsync takes it later
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            if (remote is not null) await s.CloseAsync(remote, temp, cts.Token).ConfigureAwait(false);
        }
        catch (IOException) { }
        catch (OperationCanceledException) { }
        try { await s.RemoveAsync(temp, cts.Token).ConfigureAwait(false); }
        catch (IOException) { }
        catch (OperationCanceledException) { }
    }

    public async Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct)
    {
        await using var stream = await OpenReadAsync(handle, ct).ConfigureAwait(false);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct).ConfigureAwait(false);
        return copy.ToArray();
    }

    private async Task<(SftpSession Session, byte[] Remote, string Path)> OpenExistingAsync(StorageHandle handle, CancellationToken ct)
    {
        CheckName(handle);
        var s = await SessionAsync(ct).ConfigureAwait(false);
        var path = PathOf(handle);
        try
        {
            return (s, await s.OpenAsync(path, SftpProtocol.OpenRead, null, ct).ConfigureAwait(false), path);
        }
        catch (SftpStatusException e) when (e.IsNoSuchFile)
        {
            throw new StorageNotFoundException(handle, Location);
        }
    }

    public async Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var (s, remote, path) = await OpenExistingAsync(handle, ct).ConfigureAwait(false);
        try
        {
            var chunks = (buffer.Length + SftpProtocol.ChunkSize - 1) / SftpProtocol.ChunkSize;
            var counts = new int[chunks];
            using var gate = new SemaphoreSlim(ReadsInFlight);
            await Task.WhenAll(Enumerable.Range(0, chunks).Select(async i =>
            {
                await gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    var start = i * SftpProtocol.ChunkSize;
                    var part = buffer.Slice(start, Math.Min(SftpProtocol.ChunkSize, buffer.Length - start));
                    counts[i] = await ReadFullyAsync(s, remote, offset + start, part, path, ct).ConfigureAwait(false);
                }
                finally { gate.Release(); }
            })).ConfigureAwait(false);
            var total = 0;
            for (var i = 0; i < chunks; i++)
            {
                total += counts[i];
                if (counts[i] < Math.Min(SftpProtocol.ChunkSize, buffer.Length - i * SftpProtocol.ChunkSize)) break;
            }
            return total;
        }
        finally
        {
            await CloseQuietlyAsync(s, remote, path).ConfigureAwait(false);
        }
    }

    /// <summary>Reads until <paramref name="part"/> is full or the file ends (servers may answer a read short).</summary>
    private static async Task<int> ReadFullyAsync(SftpSession s, byte[] remote, long offset, Memory<byte> part, string path, CancellationToken ct)
    {
        var read = 0;
        while (read < part.Length)
        {
            var n = await s.ReadAsync(remote, offset + read, part[read..], path, ct).ConfigureAwait(false);
            if (n == 0) break;
            read += n;
        }
        return read;
    }

    private static async Task CloseQuietlyAsync(SftpSession s, byte[] remote, string path)
    {
        if (s.IsBroken) return;
        try { await s.CloseAsync(remote, path, CancellationToken.None).ConfigureAwait(false); }
        catch (IOException) { } // only read: nothing lost
    }

    public async Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct)
    {
        var (s, remote, path) = await OpenExistingAsync(handle, ct).ConfigureAwait(false);
        return new SftpReadStream(s, remote, path);
    }

    public async Task<long?> StatAsync(StorageHandle handle, CancellationToken ct)
    {
        CheckName(handle);
        var s = await SessionAsync(ct).ConfigureAwait(false);
        var a = await s.StatAsync(PathOf(handle), ct).ConfigureAwait(false);
        if (a is null) return null;
        return a.Value.Size ?? throw new IOException($"the SFTP server of {Location} gives no size for {handle}");
    }

    public async IAsyncEnumerable<StorageEntry> ListAsync(FileType type, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = await SessionAsync(ct).ConfigureAwait(false);
        if (type == FileType.Config)
        {
            if (await s.StatAsync(Join("config"), ct).ConfigureAwait(false) is { IsRegularFile: true, Size: { } size }) yield return new StorageEntry("config", size);
            yield break;
        }
        var folder = Join(FolderOf(type));
        if (type != FileType.Pack)
        {
            await foreach (var e in ObjectsInAsync(s, folder, ct).ConfigureAwait(false)) yield return e;
            yield break;
        }
        var subfolders = new List<string>();
        await foreach (var (name, attributes) in EntriesAsync(s, folder, ct).ConfigureAwait(false))
            if (attributes.IsDirectory && name.Length == 2 && !name.AsSpan().ContainsAnyExcept("0123456789abcdef")) subfolders.Add(name);
        subfolders.Sort(StringComparer.Ordinal);
        foreach (var sub in subfolders)
            await foreach (var e in ObjectsInAsync(s, $"{folder}/{sub}", ct).ConfigureAwait(false)) yield return e;
    }

    private static async IAsyncEnumerable<StorageEntry> ObjectsInAsync(SftpSession s, string folder, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (name, attributes) in EntriesAsync(s, folder, ct).ConfigureAwait(false))
            if (BlobId.IsIdName(name) && attributes.IsRegularFile && attributes.Size is { } size) yield return new StorageEntry(name, size);
    }

    /// <summary>A folder's entries (none when it does not exist), batch by batch as the server sends them.</summary>
    private static async IAsyncEnumerable<(string Name, SftpAttributes Attributes)> EntriesAsync(SftpSession s, string folder, [EnumeratorCancellation] CancellationToken ct)
    {
        byte[] dir;
        try { dir = await s.OpenDirAsync(folder, ct).ConfigureAwait(false); }
        catch (SftpStatusException e) when (e.IsNoSuchFile) { yield break; }
        try
        {
            while (await s.ReadDirAsync(dir, folder, ct).ConfigureAwait(false) is { } batch)
                foreach (var entry in batch) yield return entry;
        }
        finally
        {
            await CloseQuietlyAsync(s, dir, folder).ConfigureAwait(false);
        }
    }

    public async Task RemoveAsync(StorageHandle handle, CancellationToken ct)
    {
        CheckName(handle);
        var s = await SessionAsync(ct).ConfigureAwait(false);
        try { await s.RemoveAsync(PathOf(handle), ct).ConfigureAwait(false); }
        catch (SftpStatusException e) when (e.IsNoSuchFile) { throw new StorageNotFoundException(handle, Location); }
    }

    /// <summary>Removes the <c>NAME-tmp-RANDOM</c> files of interrupted saves, in every folder of the repository.</summary>
    public async Task<int> RemoveLeftoversAsync(CancellationToken ct)
    {
        var s = await SessionAsync(ct).ConfigureAwait(false);
        var folders = new List<string> { Root };
        folders.AddRange(TopFolders.Select(f => Join(f)));
        await foreach (var (name, a) in EntriesAsync(s, Join("data"), ct).ConfigureAwait(false))
            if (a.IsDirectory && name.Length == 2 && !name.AsSpan().ContainsAnyExcept("0123456789abcdef")) folders.Add(Join("data", name));
        var removed = 0;
        foreach (var folder in folders)
        {
            var temps = new List<string>();
            await foreach (var (name, a) in EntriesAsync(s, folder, ct).ConfigureAwait(false))
                if (a.IsRegularFile && IsTempName(name)) temps.Add(name);
            foreach (var t in temps)
            {
                try
                {
                    await s.RemoveAsync($"{folder.TrimEnd('/')}/{t}", ct).ConfigureAwait(false);
                    removed++;
                }
                catch (SftpStatusException e) when (e.IsNoSuchFile) { }
            }
        }
        return removed;
    }

    /// <summary><c>NAME-tmp-RANDOM</c>, as <see cref="UploadAsync"/> writes them (NAME: config or an ID).</summary>
    private static bool IsTempName(string name)
    {
        var i = name.IndexOf("-tmp-", StringComparison.Ordinal);
        if (i < 0) return false;
        var stem = name[..i];
        var suffix = name.AsSpan(i + 5);
        return (stem == "config" || BlobId.IsIdName(stem)) && suffix.Length > 0 && !suffix.ContainsAnyExcept("0123456789abcdef");
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session?.Dispose();
        _session = null;
        _connecting.Dispose();
    }
}

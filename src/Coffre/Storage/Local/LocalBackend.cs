using System.Runtime.CompilerServices;
using Coffre.Model;
using Coffre.Platform;

namespace Coffre.Storage.Local;

/// <summary>
/// A repository in a local folder, in restic's layout (config, keys/, snapshots/, index/, locks/, data/XX/).
/// Every object is written to a temp name beside its final place, fsynced, renamed, and the folder fsynced:
/// a crash leaves either the whole object or a temp file that listing ignores.
/// </summary>
public sealed class LocalBackend : IStorageBackend
{
    private static IReadOnlyList<string> TopFolders => RepositoryLayout.TopFolders;

    public LocalBackend(string path) => Root = Path.GetFullPath(path);

    public string Root { get; }
    public string Location => Root;

    public Task<bool> ExistsAsync(CancellationToken ct) => Task.FromResult(File.Exists(Path.Combine(Root, "config")));

    public Task CreateAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var f in TopFolders) CreatePrivateDirectory(Path.Combine(Root, f));
        for (var i = 0; i < 256; i++) CreatePrivateDirectory(Path.Combine(Root, "data", i.ToString("x2")));
        return Task.CompletedTask;
    }

    private static void CreatePrivateDirectory(string path) =>
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    public string PathOf(StorageHandle h) => h.Type switch
    {
        FileType.Config => Path.Combine(Root, "config"),
        FileType.Pack => Path.Combine(Root, "data", h.Name[..2], h.Name),
        _ => Path.Combine(Root, FolderOf(h.Type), h.Name),
    };

    private static string FolderOf(FileType type) => RepositoryLayout.FolderOf(type);

    /// <summary>How many calls run at once: local I/O needs no limit of its own, this only bounds open files.</summary>
    public const int Connections = 32;

    /// <summary>Packs are staged in data/ itself: storing one is then a rename within one filesystem.</summary>
    public BackendProperties Properties => new(Connections, StagingFolder: Path.Combine(Root, "data"), LocalFolder: Root);

    /// <summary>statvfs on the repository's folder (or its nearest existing parent, before the repository exists).</summary>
    public Task<StorageCapacity> CapacityAsync(CancellationToken ct)
    {
        var dir = Root;
        while (!Directory.Exists(dir) && Path.GetDirectoryName(dir) is { } parent) dir = parent;
        return Task.FromResult(new StorageCapacity(Posix.StatFileSystem(UnixPath.FromString(dir)).Available));
    }

    public async Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        var final = PathOf(handle);
        var dir = Path.GetDirectoryName(final)!;
        if (!Directory.Exists(dir)) CreatePrivateDirectory(dir);
        if (File.Exists(final)) throw new IOException($"{handle} already exists in {Root}");
        if (source is StagedFileSource staged && Path.GetDirectoryName(staged.Path) == Path.Combine(Root, "data"))
        {
            MoveStaged(staged, final, dir, handle);
            return;
        }
        var temp = $"{final}-tmp-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}";
        try
        {
            using (var fh = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, 0))
            {
                var written = source is BytesSource bytes
                    ? await WriteAsync(fh, bytes.Data, ct).ConfigureAwait(false)
                    : await CopyAsync(fh, source, ct).ConfigureAwait(false);
                if (written != source.Length)
                    throw new IOException($"{handle}: the data to save has {written} bytes, not the {source.Length} announced; nothing was stored");
                Posix.Fsync(fh);
            }
            ct.ThrowIfCancellationRequested();
            File.Move(temp, final);
            Posix.FsyncDirectory(UnixPath.FromString(dir));
        }
        catch (Exception e)
        {
            TryDelete(temp);
            if (e is IOException io && IsDiskFull(io))
                throw new CoffreException($"the disk holding the repository is full while writing {handle} ({Root}): free some space and run the command again; nothing already stored was changed", ExitCodes.Fatal, e);
            throw;
        }
        File.SetUnixFileMode(final, UnixFileMode.UserRead);
    }

    private static void MoveStaged(StagedFileSource staged, string final, string dir, StorageHandle handle)
    {
        var length = new FileInfo(staged.Path).Length;
        if (length != staged.Length)
            throw new IOException($"{handle}: the staged file has {length} bytes, not the {staged.Length} announced; nothing was stored");
        File.Move(staged.Path, final);
        Posix.FsyncDirectory(UnixPath.FromString(dir));
        File.SetUnixFileMode(final, UnixFileMode.UserRead);
    }

    private static async Task<long> WriteAsync(Microsoft.Win32.SafeHandles.SafeFileHandle fh, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        await RandomAccess.WriteAsync(fh, data, 0, ct).ConfigureAwait(false);
        return data.Length;
    }

    private static async Task<long> CopyAsync(Microsoft.Win32.SafeHandles.SafeFileHandle fh, SaveSource source, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        long offset = 0;
        var input = source.Open();
        await using (input.ConfigureAwait(false))
        {
            int n;
            while ((n = await input.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                await RandomAccess.WriteAsync(fh, buffer.AsMemory(0, n), offset, ct).ConfigureAwait(false);
                offset += n;
            }
        }
        return offset;
    }

    private static bool IsDiskFull(IOException e) => (e.HResult & 0xFFFF) == 28 || e.Message.Contains("No space left", StringComparison.Ordinal);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public async Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct)
    {
        try { return await File.ReadAllBytesAsync(PathOf(handle), ct).ConfigureAwait(false); }
        catch (FileNotFoundException) { throw new StorageNotFoundException(handle, Root); }
        catch (DirectoryNotFoundException) { throw new StorageNotFoundException(handle, Root); }
    }

    public async Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct)
    {
        using var fh = OpenHandle(handle);
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await RandomAccess.ReadAsync(fh, buffer[total..], offset + total, ct).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private Microsoft.Win32.SafeHandles.SafeFileHandle OpenHandle(StorageHandle handle)
    {
        try { return File.OpenHandle(PathOf(handle), FileMode.Open, FileAccess.Read, FileShare.Read); }
        catch (FileNotFoundException) { throw new StorageNotFoundException(handle, Root); }
        catch (DirectoryNotFoundException) { throw new StorageNotFoundException(handle, Root); }
    }

    public Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct)
    {
        var fh = OpenHandle(handle);
        return Task.FromResult<Stream>(new FileStream(fh, FileAccess.Read, 1 << 20));
    }

    public Task<long?> StatAsync(StorageHandle handle, CancellationToken ct)
    {
        var fi = new FileInfo(PathOf(handle));
        return Task.FromResult(fi.Exists ? fi.Length : (long?)null);
    }

    public async IAsyncEnumerable<StorageEntry> ListAsync(FileType type, [EnumeratorCancellation] CancellationToken ct)
    {
        if (type == FileType.Config)
        {
            var fi = new FileInfo(Path.Combine(Root, "config"));
            if (fi.Exists) yield return new StorageEntry("config", fi.Length);
            yield break;
        }
        var folder = Path.Combine(Root, FolderOf(type));
        if (!Directory.Exists(folder)) yield break;
        var dirs = type == FileType.Pack ? Directory.EnumerateDirectories(folder) : [folder];
        foreach (var d in dirs)
        {
            ct.ThrowIfCancellationRequested();
            foreach (var f in new DirectoryInfo(d).EnumerateFiles())
            {
                if (!BlobId.IsIdName(f.Name)) continue;
                long length;
                try { length = f.Length; }
                catch (FileNotFoundException) { continue; } // removed since listed: another process's lock went away
                yield return new StorageEntry(f.Name, length);
            }
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task RemoveAsync(StorageHandle handle, CancellationToken ct)
    {
        var p = PathOf(handle);
        if (!File.Exists(p)) throw new StorageNotFoundException(handle, Root);
        File.Delete(p);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Removes temp files of interrupted writes (<c>ID-tmp-RANDOM</c> in any folder), packs staged by interrupted
    /// backups (<c>data/pack-RANDOM-tmp</c>) and SQLite dumps staged there (<c>data/.coffre-sqlite-…</c>).
    /// </summary>
    public Task<int> RemoveLeftoversAsync(CancellationToken ct)
    {
        var removed = 0;
        var folders = new List<string> { Root, Path.Combine(Root, "data") };
        folders.AddRange(TopFolders.Where(f => f != "data").Select(f => Path.Combine(Root, f)));
        var data = Path.Combine(Root, "data");
        if (Directory.Exists(data)) folders.AddRange(Directory.EnumerateDirectories(data));
        foreach (var folder in folders.Where(Directory.Exists))
        {
            ct.ThrowIfCancellationRequested();
            foreach (var f in new DirectoryInfo(folder).EnumerateFiles())
            {
                var inData = folder == data;
                if (!IsTempName(f.Name) && !(inData && IsStagingName(f.Name))) continue;
                TryDelete(f.FullName);
                if (!File.Exists(f.FullName)) removed++;
            }
        }
        return Task.FromResult(removed);
    }

    /// <summary><c>NAME-tmp-RANDOM</c>, as <see cref="SaveAsync"/> writes them (NAME: config or an ID).</summary>
    private static bool IsTempName(string name)
    {
        var i = name.IndexOf("-tmp-", StringComparison.Ordinal);
        if (i < 0) return false;
        var stem = name[..i];
        return (stem == "config" || BlobId.IsIdName(stem)) && IsHex(name.AsSpan(i + 5));
    }

    /// <summary>A pack being filled (<c>pack-RANDOM-tmp</c>) or a SQLite dump being staged (<c>.coffre-sqlite-GUID.sqlite</c>).</summary>
    private static bool IsStagingName(string name) =>
        (name.Length > 9 && name.StartsWith("pack-", StringComparison.Ordinal) && name.EndsWith("-tmp", StringComparison.Ordinal) && IsHex(name.AsSpan(5, name.Length - 9)))
        || (name.StartsWith(".coffre-sqlite-", StringComparison.Ordinal) && name.EndsWith(".sqlite", StringComparison.Ordinal));

    private static bool IsHex(ReadOnlySpan<char> s) => s.Length > 0 && !s.ContainsAnyExcept("0123456789abcdef");
}

using System.Text;
using Coffre.Archives;
using Coffre.Model;
using Coffre.Platform;
using Coffre.Storage;
using Coffre.Storage.Local;
using Coffre.IO;

namespace Coffre.Maintenance.KeyRotation;

/// <summary>
/// Where a master-key rotation keeps its state: the folder <c>coffre-rotation/</c> in the repository's root,
/// which restic never looks at. It holds, in restic's layout, the new key files, index files, snapshots and
/// config (all sealed with the new master key) until they replace the old ones, plus:
/// <list type="bullet">
/// <item><c>started</c>: the new key files are complete; from here on the rotation resumes instead of restarting.</item>
/// <item><c>recovery-code</c>: the new recovery code, sealed with the new master key, until it has been shown.</item>
/// <item><c>packs</c>: the journal, one line "OLD NEW" per re-encrypted pack (no secret: pack IDs are hashes).</item>
/// <item><c>switching</c>: the old objects are being replaced; from here on the rotation can only go forward.</item>
/// </list>
/// Key rotation works on local repositories only (<see cref="BackendProperties.LocalFolder"/>).
/// </summary>
public sealed class RotationStore
{
    public const string FolderName = "coffre-rotation";

    /// <summary>How the rotation names the packs it is writing (in data/, like a backup's staging packs, so storing one is a rename).</summary>
    public const string StagingFilePrefix = "pack-rotation-";
    private const string StartedFile = "started";
    private const string SwitchingFile = "switching";
    private const string RecoveryFile = "recovery-code";
    private const string JournalFile = "packs";
    private const uint ReadOnly = 0x100; // 0400, like every repository object

    private readonly Lock _journalLock = new();

    private RotationStore(string repositoryRoot)
    {
        RepositoryRoot = repositoryRoot;
        Folder = Path.Combine(repositoryRoot, FolderName);
        Staged = new LocalBackend(Folder);
    }

    public string RepositoryRoot { get; }
    public string Folder { get; }

    /// <summary>The new key files, index files, snapshots and config, in restic's layout.</summary>
    public LocalBackend Staged { get; }

    /// <summary>The rotation state of a local repository (found through its properties, so a wrapped backend keeps it).</summary>
    public static RotationStore For(IStorageBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return backend.Properties.LocalFolder is { } root
            ? new RotationStore(root)
            : throw new CoffreException($"master-key rotation works on local repositories only, not on {backend.Location}");
    }

    /// <summary>
    /// Refuses to work on a repository whose master-key rotation has started and not finished. Only a local
    /// repository can hold one (rotation refuses any other), so there is nothing to check elsewhere.
    /// </summary>
    public static void ThrowIfPending(IStorageBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (backend.Properties.LocalFolder is not { } root) return;
        var store = new RotationStore(root);
        if (store.HasStarted || store.IsSwitching)
            throw new CoffreException(
                $"a master-key rotation of {root} is running or was interrupted: wait for it, or run 'coffre key rotate-master' with the same password to finish it",
                ExitCodes.Locked);
    }

    public bool Exists => Directory.Exists(Folder);
    public bool HasStarted => File.Exists(Path.Combine(Folder, StartedFile));
    public bool IsSwitching => File.Exists(Path.Combine(Folder, SwitchingFile));

    /// <summary>Creates the folder (owner only), empty: whatever an earlier attempt left before it started is dropped.</summary>
    public void CreateEmpty()
    {
        Delete();
        Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public Task MarkStartedAsync(CancellationToken ct) => WriteAsync(StartedFile, "coffre master-key rotation: new key files complete\n"u8.ToArray(), ct);

    public Task MarkSwitchingAsync(CancellationToken ct) => WriteAsync(SwitchingFile, "coffre master-key rotation: replacing the old objects\n"u8.ToArray(), ct);

    public Task SaveRecoveryCodeAsync(byte[] sealedCode, CancellationToken ct) => WriteAsync(RecoveryFile, sealedCode, ct);

    /// <summary>The sealed recovery code, or null when this rotation makes none.</summary>
    public byte[]? LoadRecoveryCode()
    {
        var path = Path.Combine(Folder, RecoveryFile);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    /// <summary>Appends one journal line and makes it durable before the caller goes on.</summary>
    public void AppendJournal(BlobId oldPack, BlobId newPack)
    {
        var line = Encoding.ASCII.GetBytes($"{oldPack} {newPack}\n");
        var path = Path.Combine(Folder, JournalFile);
        lock (_journalLock)
        {
            using var fs = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                BufferSize = 0,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            fs.Write(line);
            fs.Flush(flushToDisk: true);
        }
    }

    /// <summary>The journal: old pack → its re-encrypted copy. A torn last line (a crash while appending) is ignored.</summary>
    public Dictionary<BlobId, BlobId> ReadJournal()
    {
        var map = new Dictionary<BlobId, BlobId>();
        var path = Path.Combine(Folder, JournalFile);
        if (!File.Exists(path)) return map;
        foreach (var line in File.ReadAllText(path, Encoding.ASCII).Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && BlobId.TryParse(parts[0], out var oldPack) && BlobId.TryParse(parts[1], out var newPack))
                map[oldPack] = newPack;
        }
        return map;
    }

    /// <summary>Removes every staged object of one type (an earlier attempt's index files or snapshots).</summary>
    public async Task ClearStagedAsync(FileType type, CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (var e in Staged.ListAsync(type, ct).ConfigureAwait(false)) names.Add(e.Name);
        foreach (var name in names) await Staged.RemoveAsync(new StorageHandle(type, name), ct).ConfigureAwait(false);
    }

    /// <summary>Replaces the repository's config in one rename(2): at every moment there is a whole config file.</summary>
    public Task ReplaceRepositoryConfigAsync(byte[] sealedConfig, CancellationToken ct) =>
        AtomicFile.WriteAllBytesAsync(Path.Combine(RepositoryRoot, "config"), sealedConfig, overwrite: true, ReadOnly, ct);

    /// <summary>Removes the half-written packs of a rotation that was killed (the caller holds the exclusive lock).</summary>
    public static void RemoveLeftoverStagingFiles(string? stagingFolder)
    {
        if (stagingFolder is null || !Directory.Exists(stagingFolder)) return;
        foreach (var file in Directory.EnumerateFiles(stagingFolder, StagingFilePrefix + "*-tmp")) File.Delete(file);
    }

    public void Delete()
    {
        if (!Directory.Exists(Folder)) return;
        Directory.Delete(Folder, recursive: true);
        Posix.FsyncDirectory(UnixPath.FromString(RepositoryRoot));
    }

    private Task WriteAsync(string name, byte[] content, CancellationToken ct) =>
        AtomicFile.WriteAllBytesAsync(Path.Combine(Folder, name), content, overwrite: true, ReadOnly, ct);
}

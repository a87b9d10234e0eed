using System.Security.Cryptography;
using Coffre.Chunking;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository.Crypto;
using Coffre.Repository.Index;
using Coffre.Repository.Keys;
using Coffre.Repository.Pack;
using Coffre.Storage;

namespace Coffre.Repository;

/// <summary>
/// An opened repository: its backend, master key, config and (once loaded) index. Reading only; writing new
/// blobs, packs and indexes goes through <see cref="RepositoryWriter"/>.
/// </summary>
public sealed class Repository
{
    /// <summary>restic tries at most this many key files before giving up.</summary>
    private const int MaxKeysTried = 20;

    private Repository(IStorageBackend backend, CryptoKey key, RepositoryConfig config, string keyName)
    {
        Backend = backend;
        Key = key;
        Config = config;
        KeyName = keyName;
        Polynomial = new Polynomial(config.ChunkerPolynomial);
    }

    public IStorageBackend Backend { get; }
    public CryptoKey Key { get; }
    public RepositoryConfig Config { get; }
    public Polynomial Polynomial { get; }
    /// <summary>The key file that opened this repository.</summary>
    public string KeyName { get; }
    public MasterIndex Index { get; } = new();

    /// <summary>What this machine has proven damaged in this repository (a local cache: docs/repair.md).</summary>
    public DamageLedger Damage => _damage ??= DamageLedger.ForRepository(Config.Id, Backend.Location);
    private DamageLedger? _damage;

    /// <summary>The command reading, named in the damage ledger when a read proves a copy bad.</summary>
    public string Activity { get; set; } = "read";
    /// <summary>Index files that could not be loaded (the checker reports them; other commands fail).</summary>
    public List<(string Name, string Error)> IndexErrors { get; } = [];

    public static Task<Repository> InitAsync(IStorageBackend backend, ReadOnlyMemory<byte> password, TimeProvider clock, CancellationToken ct) =>
        InitAsync(backend, password, recoveryCode: null, clock, ct);

    /// <summary>
    /// Creates a repository: a random master key, a key file for <paramref name="password"/>, one for
    /// <paramref name="recoveryCode"/> when given (see <see cref="RecoveryCode"/>), then the config.
    /// </summary>
    public static Task<Repository> InitAsync(IStorageBackend backend, ReadOnlyMemory<byte> password, string? recoveryCode, TimeProvider clock, CancellationToken ct) =>
        InitAsync(backend, password, recoveryCode, chunkerPolynomial: null, clock, ct);

    /// <param name="chunkerPolynomial">Another repository's polynomial (<c>init --copy-chunker-params</c>), so the
    /// same data cuts into the same blobs in both and copies deduplicate; null: a new random one.</param>
    public static async Task<Repository> InitAsync(IStorageBackend backend, ReadOnlyMemory<byte> password, string? recoveryCode, Polynomial? chunkerPolynomial, TimeProvider clock, CancellationToken ct)
    {
        if (chunkerPolynomial is { } given && !given.IsIrreducible())
            throw new CoffreException("the chunker polynomial to copy is not irreducible: the source repository's config is damaged");
        if (await backend.ExistsAsync(ct).ConfigureAwait(false))
            throw new CoffreException($"a repository already exists at {backend.Location}; use it, or choose an empty folder");
        if (password.Length == 0) throw new CoffreException("an empty password is not allowed; set COFFRE_PASSWORD or use --password-file");
        await backend.CreateAsync(ct).ConfigureAwait(false);
        var master = CryptoKey.NewRandom();
        var config = new RepositoryConfig(2, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), (chunkerPolynomial ?? Polynomial.Random()).Value);
        var keyName = await AddKeyAsync(backend, master, password, clock, ct).ConfigureAwait(false);
        if (recoveryCode is not null)
        {
            var recovery = KeyFile.Create(System.Text.Encoding.ASCII.GetBytes(recoveryCode), master, RecoveryCode.Username, RecoveryCode.Hostname, clock.GetUtcNow());
            await SaveKeyFileAsync(backend, recovery, ct).ConfigureAwait(false);
        }
        // The config is written last: a repository "exists" only once it is complete.
        await backend.SaveAsync(StorageHandle.Config, master.Seal(config.Serialize()), ct).ConfigureAwait(false);
        return new Repository(backend, master, config, keyName);
    }

    /// <summary>Writes a new key file wrapping <paramref name="master"/> under <paramref name="password"/>, for this user and host.</summary>
    public static Task<string> AddKeyAsync(IStorageBackend backend, CryptoKey master, ReadOnlyMemory<byte> password, TimeProvider clock, CancellationToken ct) =>
        SaveKeyFileAsync(backend, KeyFile.Create(password.Span, master, Environment.UserName, Platform.Posix.GetHostName(), clock.GetUtcNow()), ct);

    /// <summary>Stores a key file under its ID (the SHA-256 of its bytes) and returns that ID.</summary>
    public static async Task<string> SaveKeyFileAsync(IStorageBackend backend, KeyFile keyFile, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keyFile);
        var bytes = keyFile.Serialize();
        var name = BlobId.Hash(bytes).ToString();
        await backend.SaveAsync(new StorageHandle(FileType.Key, name), bytes, ct).ConfigureAwait(false);
        return name;
    }

    /// <summary>A repository object for a master key and config obtained elsewhere (key rotation).</summary>
    internal static Repository WithKey(IStorageBackend backend, CryptoKey key, RepositoryConfig config, string keyName) =>
        new(backend, key, config, keyName);

    public static async Task<Repository> OpenAsync(IStorageBackend backend, ReadOnlyMemory<byte> password, CancellationToken ct)
    {
        Maintenance.KeyRotation.RotationStore.ThrowIfPending(backend);
        return await OpenIgnoringRotationAsync(backend, password, ct).ConfigureAwait(false);
    }

    /// <summary>Opens the repository even while a master-key rotation is pending (the rotation itself does).</summary>
    internal static async Task<Repository> OpenIgnoringRotationAsync(IStorageBackend backend, ReadOnlyMemory<byte> password, CancellationToken ct)
    {
        if (!await backend.ExistsAsync(ct).ConfigureAwait(false))
            throw new CoffreException($"no repository at {backend.Location}: check the path, or create one with 'coffre init'", ExitCodes.NoRepository);
        // A recovery code typed in lower case or without dashes is also tried in its printed form, on recovery keys only.
        var recoveryForm = RecoveryCode.AlternativeFor(password.Span);
        var refused = new List<string>();
        foreach (var (name, keyFile) in await KeysToTryAsync(backend, RecoveryCode.LooksLike(password.Span), refused, ct).ConfigureAwait(false))
        {
            var master = keyFile.TryUnlock(password.Span, ct);
            if (master is null && recoveryForm is not null && RecoveryCode.IsRecoveryKey(keyFile)) master = keyFile.TryUnlock(recoveryForm, ct);
            // scrypt just used 32 MiB (128 * N * r bytes) that nothing needs any more: the coffre command gives it
            // back now, so the work that follows reuses that memory instead of adding to the process's peak.
            MemoryReturn.AfterLargeRelease();
            if (master is null) continue;
            var sealedConfig = await backend.LoadAsync(StorageHandle.Config, ct).ConfigureAwait(false);
            byte[] plain;
            try { plain = master.Open(sealedConfig); }
            catch (CryptographicException) { throw new CoffreException("the repository config fails its MAC check: it is damaged or was written with another key"); }
            var config = RepositoryConfig.Parse(plain);
            if (!new Polynomial(config.ChunkerPolynomial).IsIrreducible())
                throw new CoffreException("the repository config has a reducible chunker polynomial: it is damaged");
            return new Repository(backend, master, config, name);
        }
        var skipped = refused.Count == 0 ? "" : $" ({string.Join("; ", refused.Take(3))}{(refused.Count > 3 ? $"; {refused.Count - 3} more" : "")})";
        throw new CoffreException($"wrong password or no key found: no key file of the repository opens with this password{skipped}", ExitCodes.WrongPassword);
    }

    /// <summary>Unusable key files looked at before giving up (a hostile repository could hold thousands).</summary>
    private const int MaxKeyFilesRefused = 100;

    /// <summary>A key file is a few hundred bytes; a larger one is not read (it could be made to fill the memory).</summary>
    private const long MaxKeyFileSize = 64 * 1024;

    /// <summary>
    /// The key files to try (at most 20, like restic), each costing one scrypt: recovery keys last, unless the
    /// password reads as a recovery code, then first; within each group the cheapest first, so that a key file
    /// asking for much work (hostile, or made with other parameters) is only tried after the usual ones. Key files
    /// that cannot be read or ask for more than <see cref="KeyDerivation.MaxCost"/> are named in
    /// <paramref name="refused"/> and skipped.
    /// </summary>
    private static async Task<List<(string Name, KeyFile KeyFile)>> KeysToTryAsync(IStorageBackend backend, bool recoveryFirst, List<string> refused, CancellationToken ct)
    {
        var keys = new List<(string Name, KeyFile KeyFile)>();
        await foreach (var entry in backend.ListAsync(FileType.Key, ct).ConfigureAwait(false))
        {
            if (keys.Count >= MaxKeysTried || refused.Count >= MaxKeyFilesRefused) break;
            var label = $"key file {entry.Name[..Math.Min(8, entry.Name.Length)]}";
            if (entry.Size > MaxKeyFileSize)
            {
                refused.Add($"{label}: {entry.Size} bytes, not a key file");
                continue;
            }
            try { keys.Add((entry.Name, KeyFile.Parse(await backend.LoadAsync(new StorageHandle(FileType.Key, entry.Name), ct).ConfigureAwait(false)))); }
            catch (InvalidDataException e) { refused.Add($"{label}: {e.Message.Replace("key file: ", "", StringComparison.Ordinal)}"); }
        }
        return InTryingOrder(keys, recoveryFirst);
    }

    /// <summary>Recovery keys last (first when the password reads as a recovery code), then the cheapest scrypt first.</summary>
    internal static List<(string Name, KeyFile KeyFile)> InTryingOrder(IEnumerable<(string Name, KeyFile KeyFile)> keys, bool recoveryFirst) =>
        [.. keys.OrderBy(k => RecoveryCode.IsRecoveryKey(k.KeyFile) != recoveryFirst).ThenBy(k => KeyDerivation.Cost(k.KeyFile.N, k.KeyFile.R, k.KeyFile.P))];

    /// <summary>Loads an encrypted JSON object (index, snapshot, lock), checking that its name is the hash of its bytes.</summary>
    public async Task<byte[]> LoadJsonAsync(FileType type, string name, CancellationToken ct)
    {
        var handle = new StorageHandle(type, name);
        var stored = await Backend.LoadAsync(handle, ct).ConfigureAwait(false);
        if (BlobId.Hash(stored).ToString() != name)
            throw new InvalidDataException($"{handle} does not match its name (damaged file)");
        byte[] plain;
        try { plain = Key.Open(stored); }
        catch (CryptographicException) { throw new InvalidDataException($"{handle} fails its MAC check (damaged file)"); }
        return UnpackedFile.Decode(plain);
    }

    /// <summary>
    /// Whether Coffre may write index, snapshot and pack objects here: not into restic's format version 1 (the
    /// default before restic 0.14), whose readers take neither compressed blobs nor compressed JSON. Coffre only
    /// reads such a repository (and writes its lock files there as plain JSON, which restic reads).
    /// </summary>
    public bool IsWritable => Config.Version >= 2;

    /// <summary>Throws, naming restic's upgrade, when this repository is one Coffre must not write into (<see cref="IsWritable"/>).</summary>
    public void EnsureWritable()
    {
        if (!IsWritable)
            throw new CoffreException($"this repository is in restic's format version {Config.Version}, which Coffre reads but never writes; "
                + "upgrade it with 'restic migrate upgrade_repo_v2' (restic 0.14 or newer), then run this again");
    }

    /// <summary>
    /// Encrypts and stores a JSON object (v2: 0x02 + zstd), named by the hash of the stored bytes. In a version 1
    /// repository only lock files are written, as plain JSON (<see cref="EnsureWritable"/>).
    /// </summary>
    public async Task<BlobId> SaveJsonAsync(FileType type, ReadOnlyMemory<byte> json, CancellationToken ct)
    {
        if (type != FileType.Lock) EnsureWritable();
        var stored = Key.Seal(IsWritable ? UnpackedFile.Encode(json.Span) : json.Span);
        var id = BlobId.Hash(stored);
        await Backend.SaveAsync(new StorageHandle(type, id.ToString()), stored, ct).ConfigureAwait(false);
        return id;
    }

    /// <summary>Loads every index file into <see cref="Index"/>, two at a time. Damaged files are recorded in <see cref="IndexErrors"/>.</summary>
    public async Task LoadIndexAsync(CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (var e in Backend.ListAsync(FileType.Index, ct).ConfigureAwait(false))
            if (_loadedIndexFiles.Add(e.Name)) names.Add(e.Name);
        _indexLoaded = true;
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, async (name, token) =>
        {
            try
            {
                var json = await LoadJsonAsync(FileType.Index, name, token).ConfigureAwait(false);
                foreach (var pack in IndexJson.ParsePacks(json)) Index.Add(pack.PackId, pack.Blobs);
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or StorageNotFoundException)
            {
                lock (IndexErrors) IndexErrors.Add((name, e.Message));
            }
        }).ConfigureAwait(false);
        if (IndexErrors.Count == 0) Damage.ApplyTo(Index);
    }

    // Index files already read: loading again reads only the ones saved since (see FindSnapshotAsync).
    private readonly HashSet<string> _loadedIndexFiles = new(StringComparer.Ordinal);
    private bool _indexLoaded;

    /// <summary>Throws when index files were damaged: commands other than check must not trust a partial index.</summary>
    public void EnsureIndexComplete()
    {
        if (IndexErrors.Count > 0)
            throw new CoffreException($"index file {IndexErrors[0].Name[..8]} cannot be read ({IndexErrors[0].Error}); run 'coffre check' for details");
    }

    /// <summary>
    /// Reads one blob's plaintext, verified (MAC, length, SHA-256). Buffer from the pool: return it. A copy that
    /// fails is recorded as damaged and the next copy is tried, as restic does.
    /// </summary>
    public async Task<(byte[] Buffer, int Length)> ReadBlobAsync(BlobId id, CancellationToken ct)
    {
        Exception? failure = null;
        while (Index.TryGetEntry(id, out var packId, out var entry))
        {
            try { return await ReadCopyAsync(packId, entry, ct).ConfigureAwait(false); }
            catch (Exception e) when (e is InvalidDataException or StorageNotFoundException)
            {
                failure ??= e;
                ProveDamaged(packId, id, e);
            }
        }
        throw failure ?? NoUsableCopy(id);
    }

    private async Task<(byte[] Buffer, int Length)> ReadCopyAsync(BlobId packId, IndexBlob entry, CancellationToken ct)
    {
        var sealedBuf = BufferPool.Instance.Rent((int)entry.Length);
        try
        {
            var n = await Backend.ReadAtAsync(new StorageHandle(FileType.Pack, packId.ToString()), entry.Offset, sealedBuf.AsMemory(0, (int)entry.Length), ct).ConfigureAwait(false);
            if (n != entry.Length) throw new InvalidDataException($"pack {packId.ToShortString()} is truncated (blob {entry.Id.ToShortString()} missing)");
            var len = BlobCodec.Decode(Key, sealedBuf.AsSpan(0, n), entry, out var plain);
            return (plain, len);
        }
        finally
        {
            BufferPool.Instance.Return(sealedBuf);
        }
    }

    /// <summary>
    /// Reads one blob into a reader's own buffers and verifies it (MAC, length, SHA-256): the hot path of restore,
    /// with no allocation. The result is valid until the buffers are used again. A damaged copy is recorded and the
    /// next copy tried.
    /// </summary>
    public async Task<ReadOnlyMemory<byte>> ReadBlobAsync(BlobId id, BlobCodec.DecodeBuffers buffers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        Exception? failure = null;
        while (Index.TryGetEntry(id, out var packId, out var entry))
        {
            try
            {
                if (entry.Length > buffers.Sealed.Length)
                    throw new InvalidDataException($"blob {id.ToShortString()} is larger ({entry.Length} bytes) than any chunk");
                var n = await Backend.ReadAtAsync(new StorageHandle(FileType.Pack, packId.ToString()), entry.Offset, buffers.Sealed.AsMemory(0, (int)entry.Length), ct).ConfigureAwait(false);
                if (n != entry.Length) throw new InvalidDataException($"pack {packId.ToShortString()} is truncated (blob {id.ToShortString()} missing)");
                return BlobCodec.Decode(Key, buffers, n, entry);
            }
            catch (Exception e) when (e is InvalidDataException or StorageNotFoundException)
            {
                failure ??= e;
                ProveDamaged(packId, id, e);
            }
        }
        throw failure ?? NoUsableCopy(id);
    }

    /// <summary>A read proved a copy bad: no reader or backup uses it again, here or in a later run (the ledger).</summary>
    private void ProveDamaged(BlobId packId, BlobId blob, Exception e)
    {
        var wholePack = e is StorageNotFoundException;
        Index.MarkBad(packId, wholePack ? null : blob);
        Damage.Record(packId, wholePack ? null : blob, wholePack ? $"pack {packId.ToShortString()} does not exist" : e.Message, Activity);
    }

    private InvalidDataException NoUsableCopy(BlobId id) => Index.IsIndexed(id)
        ? new InvalidDataException($"blob {id.ToShortString()} is damaged in every copy the index names (found earlier; 'coffre check' lists it, 'coffre repair packs' salvages the rest)")
        : new InvalidDataException($"blob {id.ToShortString()} is not in the index (missing data)");

    /// <summary>A tree's children; a hostile tree (a name like "..", a duplicate) throws <see cref="InvalidTreeException"/> naming the tree.</summary>
    public async Task<List<Node>> LoadTreeAsync(BlobId id, CancellationToken ct)
    {
        var (buf, len) = await ReadBlobAsync(id, ct).ConfigureAwait(false);
        try { return TreeJson.Parse(buf.AsSpan(0, len)); }
        catch (InvalidTreeException e) { throw new InvalidTreeException($"tree {id.ToShortString()}: {e.Message}", e); }
        finally { BufferPool.Instance.Return(buf); }
    }

    /// <summary>As <see cref="LoadTreeAsync(BlobId, CancellationToken)"/>, an error also naming the folder's <paramref name="path"/> in the snapshot.</summary>
    public async Task<List<Node>> LoadTreeAsync(BlobId id, string path, CancellationToken ct)
    {
        try { return await LoadTreeAsync(id, ct).ConfigureAwait(false); }
        catch (InvalidTreeException e) { throw e.AtPath(path); }
    }

    /// <summary>
    /// Every snapshot that can be read, oldest first. A damaged snapshot file is skipped (and reported through
    /// <paramref name="damaged"/>): one bad file must not hide the others. Index files saved since the index was
    /// read are read too when a snapshot needs them (see <see cref="FindSnapshotAsync"/>).
    /// </summary>
    public async Task<List<SnapshotEntry>> LoadSnapshotsAsync(CancellationToken ct, List<string>? damaged = null)
    {
        var list = new List<SnapshotEntry>();
        await foreach (var e in Backend.ListAsync(FileType.Snapshot, ct).ConfigureAwait(false))
        {
            try { list.Add(await LoadSnapshotAsync(e.Name, ct).ConfigureAwait(false)); }
            catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or FormatException)
            {
                damaged?.Add($"snapshot {e.Name[..8]} cannot be read: {ex.Message}");
            }
        }
        list.Sort((a, b) => a.Snapshot.Time.ToDateTimeOffset().CompareTo(b.Snapshot.Time.ToDateTimeOffset()));
        if (_indexLoaded && list.Exists(s => !Index.IsIndexed(s.Snapshot.Tree))) await LoadIndexAsync(ct).ConfigureAwait(false);
        return list;
    }

    public async Task<SnapshotEntry> LoadSnapshotAsync(string name, CancellationToken ct) =>
        new(BlobId.Parse(name), SnapshotJson.Parse(await LoadJsonAsync(FileType.Snapshot, name, ct).ConfigureAwait(false)));

    /// <summary>
    /// Finds a snapshot by "latest", a full ID or a unique ID prefix (only that snapshot is read). When the index was
    /// read before, and the snapshot was saved since (a backup finishing beside this command: both hold shared
    /// locks), the index files saved since are read too: a backup stores its index before its snapshot.
    /// </summary>
    public async Task<SnapshotEntry> FindSnapshotAsync(string reference, CancellationToken ct)
    {
        var found = await FindSnapshotFileAsync(reference, ct).ConfigureAwait(false);
        if (_indexLoaded && !Index.IsIndexed(found.Snapshot.Tree)) await LoadIndexAsync(ct).ConfigureAwait(false);
        return found;
    }

    private async Task<SnapshotEntry> FindSnapshotFileAsync(string reference, CancellationToken ct)
    {
        if (reference == "latest")
        {
            var all = await LoadSnapshotsAsync(ct).ConfigureAwait(false);
            return all.Count > 0 ? all[^1] : throw new CoffreException("the repository has no snapshot yet");
        }
        var matches = new List<string>();
        await foreach (var e in Backend.ListAsync(FileType.Snapshot, ct).ConfigureAwait(false))
            if (e.Name.StartsWith(reference, StringComparison.Ordinal)) matches.Add(e.Name);
        return matches.Count switch
        {
            1 => await LoadSnapshotAsync(matches[0], ct).ConfigureAwait(false),
            0 => throw new CoffreException($"no snapshot with ID {reference}: see 'coffre snapshots'"),
            _ => throw new CoffreException($"snapshot ID prefix {reference} is ambiguous: give more characters"),
        };
    }
}

/// <summary>A snapshot and its ID (the name of its file).</summary>
public sealed record SnapshotEntry(BlobId Id, Snapshot Snapshot);

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
/// An opened repository, for reading only: its config, master key and (once loaded) index, snapshots, trees and
/// blobs. What <c>snapshots</c>, <c>ls</c>, <c>cat</c>, <c>check</c>, browse, export, restore planning and drills
/// are given. Its public surface has no method that stores or removes an object, and its <see cref="Backend"/> is
/// a read-only view: writing needs a <see cref="Repository"/> and a <see cref="RepositoryWriteSession"/>, which holds
/// the lock (tests/Coffre.Tests/Repository/RepositoryReaderTests.cs checks the surface).
/// </summary>
public class RepositoryReader
{
    private protected RepositoryReader(IStorageBackend backend, CryptoKey key, RepositoryConfig config, string keyName)
    {
        Storage = backend;
        Backend = new ReadOnlyStorage(backend);
        Key = key;
        Config = config;
        KeyName = keyName;
        Polynomial = new Polynomial(config.ChunkerPolynomial);
    }

    /// <summary>Opens a repository for reading: one key derivation, no lock, nothing written.</summary>
    public static async Task<RepositoryReader> OpenAsync(IStorageBackend backend, ReadOnlyMemory<byte> password, CancellationToken ct)
    {
        Maintenance.KeyRotation.RotationStore.ThrowIfPending(backend);
        var (key, config, name) = await RepositoryKeys.UnlockAsync(backend, password, ct).ConfigureAwait(false);
        return new RepositoryReader(backend, key, config, name);
    }

    /// <summary>The backend, for the writing subclass only.</summary>
    private protected IStorageBackend Storage { get; }

    /// <summary>The repository's objects, read-only.</summary>
    public ReadOnlyStorage Backend { get; }
    public CryptoKey Key { get; }
    public RepositoryConfig Config { get; }
    public Polynomial Polynomial { get; }
    /// <summary>The key file that opened this repository.</summary>
    public string KeyName { get; }
    public MasterIndex Index { get; private set; } = new();

    /// <summary>What this machine has proven damaged in this repository (a local cache: docs/repair.md).</summary>
    public DamageLedger Damage => _damage ??= DamageLedger.ForRepository(Config.Id, Storage.Location);
    private DamageLedger? _damage;

    /// <summary>The command reading, named in the damage ledger when a read proves a copy bad.</summary>
    public string Activity { get; set; } = "read";
    /// <summary>Index files that could not be loaded (the checker reports them; other commands fail).</summary>
    public List<(string Name, string Error)> IndexErrors { get; } = [];

    /// <summary>
    /// Whether Coffre may write index, snapshot and pack objects here: not into restic's format version 1 (the
    /// default before restic 0.14), whose readers take neither compressed blobs nor compressed JSON. Coffre only
    /// reads such a repository (and writes its lock files there as plain JSON, which restic reads).
    /// </summary>
    public bool IsWritable => Config.Version >= 2;

    /// <summary>A pack's header, read from its end (the checker compares it with the index).</summary>
    internal Task<List<IndexBlob>> ReadPackHeaderAsync(BlobId pack, long size, CancellationToken ct) =>
        PackHeader.ReadAsync(Storage, pack, size, Key, ct);

    /// <summary>Loads an encrypted JSON object (index, snapshot, lock), checking that its name is the hash of its bytes.</summary>
    public async Task<byte[]> LoadJsonAsync(FileType type, string name, CancellationToken ct)
    {
        var handle = new StorageHandle(type, name);
        var stored = await Storage.LoadAsync(handle, ct).ConfigureAwait(false);
        if (BlobId.Hash(stored).ToString() != name)
            throw new InvalidDataException($"{handle} does not match its name (damaged file)");
        byte[] plain;
        try { plain = Key.Open(stored); }
        catch (CryptographicException) { throw new InvalidDataException($"{handle} fails its MAC check (damaged file)"); }
        return UnpackedFile.Decode(plain);
    }

    /// <summary>
    /// Loads every index file into <see cref="Index"/>, two at a time. Damaged files are recorded in <see cref="IndexErrors"/>.
    /// Called again, it reads only the index files saved since; when one read before is gone (a prune rewrote the
    /// index, and may have deleted packs it named), the index is read again from scratch.
    /// </summary>
    public async Task LoadIndexAsync(CancellationToken ct)
    {
        var listed = new List<string>();
        await foreach (var e in Storage.ListAsync(FileType.Index, ct).ConfigureAwait(false)) listed.Add(e.Name);
        if (_loadedIndexFiles.Count > 0 && !_loadedIndexFiles.IsSubsetOf(listed))
        {
            _loadedIndexFiles.Clear();
            IndexErrors.Clear();
            Index = new MasterIndex();
        }
        var names = listed.Where(_loadedIndexFiles.Add).ToList();
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
            var n = await Storage.ReadAtAsync(new StorageHandle(FileType.Pack, packId.ToString()), entry.Offset, sealedBuf.AsMemory(0, (int)entry.Length), ct).ConfigureAwait(false);
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
                var n = await Storage.ReadAtAsync(new StorageHandle(FileType.Pack, packId.ToString()), entry.Offset, buffers.Sealed.AsMemory(0, (int)entry.Length), ct).ConfigureAwait(false);
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
        await foreach (var e in Storage.ListAsync(FileType.Snapshot, ct).ConfigureAwait(false))
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

    /// <summary>
    /// One snapshot file, read and decrypted once per opened repository: its name is the hash of its bytes, so what
    /// was read under that name cannot change. A run that lists the snapshots several times (the space check, the
    /// parent, the rotation) reads each file once.
    /// </summary>
    public async Task<SnapshotEntry> LoadSnapshotAsync(string name, CancellationToken ct)
    {
        if (!_snapshotJson.TryGetValue(name, out var json))
        {
            json = await LoadJsonAsync(FileType.Snapshot, name, ct).ConfigureAwait(false);
            _snapshotJson.TryAdd(name, json);
        }
        return new(BlobId.Parse(name), SnapshotJson.Parse(json));
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _snapshotJson = new(StringComparer.Ordinal);

    /// <summary>Finds a snapshot as <see cref="SnapshotResolver"/> says (<c>latest</c>, an ID or its prefix, a stamp), among all of the repository's.</summary>
    public Task<SnapshotEntry> FindSnapshotAsync(string reference, CancellationToken ct) => SnapshotResolver.ResolveAsync(this, null, reference, ct);

    /// <summary>Reads the index files saved since the index was read when <paramref name="found"/>'s tree is not in it yet.</summary>
    internal async Task EnsureIndexCoversAsync(SnapshotEntry found, CancellationToken ct)
    {
        if (_indexLoaded && !Index.IsIndexed(found.Snapshot.Tree)) await LoadIndexAsync(ct).ConfigureAwait(false);
    }
}

/// <summary>A snapshot and its ID (the name of its file).</summary>
public sealed record SnapshotEntry(BlobId Id, Snapshot Snapshot);

using System.Security.Cryptography;
using Coffre.Chunking;
using Coffre.Model;
using Coffre.Repository.Crypto;
using Coffre.Repository.Keys;
using Coffre.Storage;

namespace Coffre.Repository;

/// <summary>
/// An opened repository that may be written: a <see cref="RepositoryReader"/> plus the backend itself and the
/// methods that store objects. Work that writes snapshots, packs or indexes, or removes anything, runs in a
/// <see cref="RepositoryWriteSession"/> (<see cref="BeginWriteAsync"/>), which holds the lock; read-only work is
/// handed this object as a <see cref="RepositoryReader"/>.
/// </summary>
public sealed class Repository : RepositoryReader
{
    private Repository(IStorageBackend backend, CryptoKey key, RepositoryConfig config, string keyName)
        : base(backend, key, config, keyName) { }

    /// <summary>The backend, read and write.</summary>
    public new IStorageBackend Backend => Storage;

    /// <summary>The read-only view of this repository, for work that must not write.</summary>
    public RepositoryReader Reader => this;

    /// <summary>
    /// Takes the lock (shared for a backup or a restore, exclusive for prune, forget and repair), then reads the
    /// index files saved since (<paramref name="loadIndex"/>): the write session, to dispose when done.
    /// </summary>
    public Task<RepositoryWriteSession> BeginWriteAsync(LockMode mode, TimeProvider clock, CancellationToken ct, bool loadIndex = true) =>
        RepositoryWriteSession.StartAsync(this, mode, clock, loadIndex, ct);

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

    public static new async Task<Repository> OpenAsync(IStorageBackend backend, ReadOnlyMemory<byte> password, CancellationToken ct)
    {
        Maintenance.KeyRotation.RotationStore.ThrowIfPending(backend);
        return await OpenIgnoringRotationAsync(backend, password, ct).ConfigureAwait(false);
    }

    /// <summary>Opens the repository even while a master-key rotation is pending (the rotation itself does).</summary>
    internal static async Task<Repository> OpenIgnoringRotationAsync(IStorageBackend backend, ReadOnlyMemory<byte> password, CancellationToken ct)
    {
        var (key, config, name) = await RepositoryKeys.UnlockAsync(backend, password, ct).ConfigureAwait(false);
        return new Repository(backend, key, config, name);
    }

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
        await Storage.SaveAsync(new StorageHandle(type, id.ToString()), stored, ct).ConfigureAwait(false);
        return id;
    }
}

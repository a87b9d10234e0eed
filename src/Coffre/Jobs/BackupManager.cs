using Coffre.Application;
using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Repository;
using Coffre.Storage;

namespace Coffre.Jobs;

/// <summary>
/// Backs up an application as its configuration describes it: every database dumped and every media folder, in one
/// snapshot laid out as <c>database/&lt;name&gt;.&lt;ext&gt;</c>, <c>media/&lt;name&gt;/…</c> and
/// <c>metadata.json</c>, tagged <c>coffre</c> and <c>app:&lt;name&gt;</c>. The library API hosts call
/// (the CLI, later the service and applications embedding Coffre).
/// </summary>
public sealed partial class BackupManager(CoffreConfig config, TimeProvider clock, IDictionary<string, string?>? environment = null)
{
    /// <summary>The environment backends take their credentials from: the one given, else this process's.</summary>
    private IReadOnlyDictionary<string, string?> BackendEnvironment() =>
        environment is null ? BackendOpener.ProcessEnvironment() : new Dictionary<string, string?>(environment, StringComparer.Ordinal);

    public string Application => config.Application ?? throw new CoffreException("the configuration names no application");
    public string AppTag => ApplicationLayout.AppTag(Application);

    /// <summary>Refuse a backup whose estimated size does not fit on the repository's disk, before any dump starts (<see cref="ApplicationSpaceCheck"/>).</summary>
    public bool CheckFreeSpace { get; init; } = true;

    /// <summary>What a backup is doing now, e.g. <c>dumping database main</c>, for a host that shows it (the service's job progress).</summary>
    public Action<string>? Step { get; init; }

    /// <summary>Wraps each backend this manager opens (e.g. to observe what it reads and writes), before the repository is opened.</summary>
    public Func<IStorageBackend, IStorageBackend>? DecorateBackend { get; init; }

    // The repository this manager opened, by location: a job opens it once (one key derivation, a 32 MiB scrypt)
    // and each use case is handed it, or a session on it.
    private readonly Dictionary<string, Repository.Repository> _opened = new(StringComparer.Ordinal);

    /// <summary>Opens the configured repository (or <paramref name="destination"/>) with the configured password source.</summary>
    public Task<Repository.Repository> OpenRepositoryAsync(string? destination, CancellationToken ct) => OpenRepositoryAsync(destination, loadIndex: true, ct);

    /// <param name="loadIndex">false: only the key and config (check and prune read the index files themselves; rotation needs none).</param>
    public async Task<Repository.Repository> OpenRepositoryAsync(string? destination, bool loadIndex, CancellationToken ct)
    {
        var repo = await OpenOnceAsync(destination, ct).ConfigureAwait(false);
        if (!loadIndex) return repo;
        await repo.LoadIndexAsync(ct).ConfigureAwait(false);
        repo.EnsureIndexComplete();
        return repo;
    }

    /// <summary>The configured repository (or <paramref name="destination"/>) for reading only, its index loaded.</summary>
    public async Task<RepositoryReader> OpenReaderAsync(string? destination, CancellationToken ct) =>
        await OpenRepositoryAsync(destination, loadIndex: true, ct).ConfigureAwait(false);

    /// <summary>The repository at <paramref name="destination"/>, opened by the first call of this manager and handed out again after.</summary>
    private async Task<Repository.Repository> OpenOnceAsync(string? destination, CancellationToken ct)
    {
        var location = destination ?? config.Repository.LocationInForce;
        lock (_opened)
            if (_opened.TryGetValue(location, out var known)) return known;
        var (backend, password) = OpenStorage(destination);
        if (DecorateBackend is not null) backend = DecorateBackend(backend);
        var repo = await Repository.Repository.OpenAsync(backend, password(), ct).ConfigureAwait(false);
        lock (_opened) return _opened.TryAdd(location, repo) ? repo : _opened[location];
    }

    /// <summary>The backup use case with this manager's settings.</summary>
    private ApplicationBackup Backup() => new(config, clock, environment) { CheckFreeSpace = CheckFreeSpace, Step = Step };

    /// <summary>
    /// One backup run. A database dump that fails aborts the run before any snapshot is written; media files
    /// that cannot be read are named in the result, and the snapshot says <c>incomplete</c>.
    /// </summary>
    public Task<ApplicationBackupResult> CreateBackupAsync(string? destination, BackupProgress progress, CancellationToken ct) =>
        CreateBackupAsync(destination, BackupScope.Everything, progress, ct);

    /// <summary>A backup of part of the application (<paramref name="scope"/>): opens the repository (once), takes the shared lock, hands the session to <see cref="ApplicationBackup"/>.</summary>
    public async Task<ApplicationBackupResult> CreateBackupAsync(string? destination, BackupScope scope, BackupProgress progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var errors = ConfigValidator.Validate(config);
        if (errors.Count > 0) throw new CoffreException($"the configuration is invalid: {errors[0].Key}: {errors[0].Message} (run 'coffre config check')");
        // The lock first, then the index (the session does both). The database password commands run under the lock too.
        var repo = await OpenOnceAsync(destination, ct).ConfigureAwait(false);
        repo.EnsureWritable();
        ApplicationBackupResult result;
        await using (var session = await repo.BeginWriteAsync(LockMode.Shared, clock, ct).ConfigureAwait(false))
            result = await Backup().RunAsync(session, scope, progress, ct).ConfigureAwait(false);
        // The copies (coffre.json "copies") of a regular backup; a copy that fails is in the result, not an error.
        if (CopyAfterBackup && scope.Purpose is null && config.Copies.Count > 0)
            result = result with { Copies = await CopyAfterBackupAsync(repo, result, ct).ConfigureAwait(false) };
        return result;
    }

    /// <summary>A media folder's name in the snapshot: its configured name, or its path's last element.</summary>
    public static string MediaName(MediaSection m) => ApplicationLayout.MediaName(m);

    /// <summary>The application's backups, newest first.</summary>
    public async Task<IReadOnlyList<BackupInfo>> ListBackupsAsync(string? destination, CancellationToken ct)
    {
        var repo = await OpenReaderAsync(destination, ct).ConfigureAwait(false);
        var list = new List<BackupInfo>();
        foreach (var s in (await repo.LoadSnapshotsAsync(ct).ConfigureAwait(false)).Where(s => s.Snapshot.Tags?.Contains(AppTag) == true))
        {
            ApplicationMetadata? meta = null;
            try { meta = await ReadMetadataAsync(repo, s.Snapshot.Tree, ct).ConfigureAwait(false); }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or Model.InvalidTreeException or InvalidMetadataException) { }
            list.Add(new BackupInfo(s.Id, s.Snapshot.Time.ToDateTimeOffset(), s.Snapshot.Summary?.TotalBytesProcessed ?? (ulong)(meta?.TotalSize ?? 0), meta, s.Snapshot.Tags ?? []));
        }
        list.Reverse();
        return list;
    }

    /// <summary>Reads metadata.json from a snapshot's root tree (see <see cref="ApplicationMetadata.ReadAsync"/>).</summary>
    public static Task<ApplicationMetadata?> ReadMetadataAsync(Repository.RepositoryReader repo, Model.BlobId tree, CancellationToken ct) =>
        ApplicationMetadata.ReadAsync(repo, tree, ct);
}

/// <summary>Which parts of the application a backup takes; the default is everything the configuration names.</summary>
public sealed record BackupScope
{
    public static readonly BackupScope Everything = new();

    /// <summary>Names of the databases to dump; null = all.</summary>
    public IReadOnlyCollection<string>? Databases { get; init; }

    /// <summary>Names of the media folders to back up; null = all.</summary>
    public IReadOnlyCollection<string>? Media { get; init; }

    /// <summary>Tags beyond <c>coffre</c> and <c>app:&lt;name&gt;</c>.</summary>
    public IReadOnlyList<string> ExtraTags { get; init; } = [];

    /// <summary>Why the backup was taken when it is not a regular one (metadata.json <c>purpose</c>).</summary>
    public string? Purpose { get; init; }
}

/// <summary>The snapshot written by an application backup and its metadata.json.</summary>
public sealed record ApplicationBackupResult(BackupResult Backup, ApplicationMetadata Metadata)
{
    /// <summary>How the copy to each of coffre.json's <c>copies</c> went, in their order (empty: none configured).</summary>
    public IReadOnlyList<CopyOutcome> Copies { get; init; } = [];
}

/// <summary>One application backup as listed: ID, time, size and what metadata.json says (null when unreadable).</summary>
public sealed record BackupInfo(Model.BlobId Id, DateTimeOffset Time, ulong Size, ApplicationMetadata? Metadata, IReadOnlyList<string> Tags)
{
    /// <summary>The name the old script used: YYYYMMDD_HHMMSS (local time).</summary>
    public string Stamp => BackupStamp.Format(Time);

    /// <summary>A safety snapshot a restore took (tag <c>pre-restore</c>) rather than a scheduled or manual backup.</summary>
    public bool IsSafetySnapshot => Tags.Contains(ApplicationLayout.PreRestoreTag);
}

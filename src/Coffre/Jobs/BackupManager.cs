using System.Globalization;
using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Platform;
using Coffre.Repository.Locking;
using Coffre.Sources;
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
    public string AppTag => "app:" + Application;

    /// <summary>Refuse a backup whose estimated size does not fit on the repository's disk, before any dump starts (<see cref="ApplicationSpaceCheck"/>).</summary>
    public bool CheckFreeSpace { get; init; } = true;

    /// <summary>What a backup is doing now, e.g. <c>dumping database main</c>, for a host that shows it (the service's job progress).</summary>
    public Action<string>? Step { get; init; }

    /// <summary>Opens the configured repository (or <paramref name="destination"/>) with the configured password source.</summary>
    public Task<Repository.Repository> OpenRepositoryAsync(string? destination, CancellationToken ct) => OpenRepositoryAsync(destination, loadIndex: true, ct);

    /// <param name="loadIndex">false: only the key and config (check and prune read the index files themselves; rotation needs none).</param>
    public async Task<Repository.Repository> OpenRepositoryAsync(string? destination, bool loadIndex, CancellationToken ct)
    {
        var backend = BackendOpener.Open(RepositoryLocation.Parse(destination ?? config.Repository.LocationInForce), BackendEnvironment());
        var repo = await Repository.Repository.OpenAsync(backend, PasswordSource.Resolve(config.Repository, environment), ct).ConfigureAwait(false);
        if (!loadIndex) return repo;
        await repo.LoadIndexAsync(ct).ConfigureAwait(false);
        repo.EnsureIndexComplete();
        return repo;
    }

    /// <summary>
    /// One backup run. A database dump that fails aborts the run before any snapshot is written; media files
    /// that cannot be read are named in the result, and the snapshot says <c>incomplete</c>.
    /// </summary>
    public Task<ApplicationBackupResult> CreateBackupAsync(string? destination, BackupProgress progress, CancellationToken ct) =>
        CreateBackupAsync(destination, BackupScope.Everything, progress, ct);

    /// <summary>A backup of part of the application (<paramref name="scope"/>), e.g. the safety snapshot a restore takes.</summary>
    public async Task<ApplicationBackupResult> CreateBackupAsync(string? destination, BackupScope scope, BackupProgress progress, CancellationToken ct)
    {
        var errors = ConfigValidator.Validate(config);
        if (errors.Count > 0) throw new CoffreException($"the configuration is invalid: {errors[0].Key}: {errors[0].Message} (run 'coffre config check')");
        // The lock first, then the index: a prune between reading the index and locking would delete packs this
        // backup then reuses. The database password commands run under the lock too (they may take long).
        var repo = await OpenRepositoryAsync(destination, loadIndex: false, ct).ConfigureAwait(false);
        repo.EnsureWritable();
        await using var repoLock = await RepositoryLock.AcquireThenLoadIndexAsync(repo, exclusive: false, clock, ct).ConfigureAwait(false);
        // A lost lock (refresh failed, or its file removed) stops the backup before it saves a snapshot.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, repoLock.Lost);
        ApplicationBackupResult result;
        try { result = await CreateLockedBackupAsync(repo, scope, progress, stop.Token).ConfigureAwait(false); }
        catch (Exception) when (repoLock.IsLost && !ct.IsCancellationRequested)
        {
            repoLock.ThrowIfLost();
            throw;
        }
        // The copies (coffre.json "copies") of a regular backup; a copy that fails is in the result, not an error.
        if (CopyAfterBackup && scope.Purpose is null && config.Copies.Count > 0)
            result = result with { Copies = await CopyAfterBackupAsync(repo, result, ct).ConfigureAwait(false) };
        return result;
    }

    private async Task<ApplicationBackupResult> CreateLockedBackupAsync(Repository.Repository repo, BackupScope scope, BackupProgress progress, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var databaseSections = config.Databases.Where(d => scope.Databases?.Contains(d.Name!) ?? true).ToList();
        var mediaSections = config.Media.Where(m => scope.Media?.Contains(MediaName(m)) ?? true).ToList();
        var sources = databaseSections.Select(d => SourceFactory.Create(d, repo.Backend.Properties.StagingFolder, environment)).ToList();
        var host = Posix.GetHostName();

        if (CheckFreeSpace) await ApplicationSpaceCheck.EnsureRoomAsync(repo, s => s.Hostname == host && s.Tags?.Contains(AppTag) == true, sources, databaseSections, mediaSections, progress.Note, ct).ConfigureAwait(false);
        await using var composer = await SnapshotComposer.StartAsync(repo, clock, new ComposeOptions
        {
            Tags = ["coffre", AppTag, .. scope.ExtraTags],
            Hostname = host,
            ParentFilter = s => s.Hostname == host && s.Tags?.Contains(AppTag) == true,
        }, progress, ct).ConfigureAwait(false);

        // The media's files are counted first: metadata.json records them, and the progress has its totals from the start.
        Step?.Invoke("counting the media files");
        var mediaCounts = mediaSections.Select(m => Count(m.Path!, m.Exclude, progress)).ToList();
        progress.ScanDone();

        var databases = new List<DatabaseMetadata>();
        foreach (var source in sources)
        {
            Step?.Invoke($"dumping database {source.Name}");
            databases.Add(await DumpAsync(composer, source, ct).ConfigureAwait(false));
        }

        var media = new List<MediaMetadata>();
        foreach (var (m, (files, bytes)) in mediaSections.Zip(mediaCounts))
        {
            var name = MediaName(m);
            Step?.Invoke($"saving media {name}");
            await composer.AddFolderAsync("media/" + name, m.Path!, m.Exclude, ct).ConfigureAwait(false);
            media.Add(new MediaMetadata(name, m.Path!, files, bytes));
        }

        var storedConfiguration = await Recovery.ConfigurationInBackup.AddAsync(composer, config, ct).ConfigureAwait(false);
        var status = composer.Errors.Count == 0 ? "complete" : "incomplete";
        var metadata = new ApplicationMetadata
        {
            Time = started.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            Application = Application,
            Host = host,
            Databases = databases,
            Media = media,
            TotalSize = databases.Sum(d => d.Size) + media.Sum(m => m.Bytes),
            DurationSeconds = Math.Round((clock.GetUtcNow() - started).TotalSeconds, 3),
            CoffreVersion = ProgramInfo.Version,
            Status = status,
            Purpose = scope.Purpose,
            Configuration = storedConfiguration,
        };
        Step?.Invoke("saving the snapshot");
        await composer.AddBytesAsync("metadata.json", metadata.ToJson(), ct).ConfigureAwait(false);
        var paths = databaseSections.Select(Describe).Concat(mediaSections.Select(m => m.Path!)).ToList();
        var result = await composer.CommitAsync(paths, ct).ConfigureAwait(false);
        return new ApplicationBackupResult(result, metadata) { Repository = repo };
    }

    private static async Task<DatabaseMetadata> DumpAsync(SnapshotComposer composer, IDatabaseSource source, CancellationToken ct)
    {
        var description = await source.DescribeAsync(ct).ConfigureAwait(false);
        var file = $"{source.Name}.{source.Extension}";
        long size;
        await using (var dump = await source.StartDumpAsync(ct).ConfigureAwait(false))
        {
            try { size = await composer.AddStreamAsync("database/" + file, dump.Content, ct).ConfigureAwait(false); }
            catch (CoffreException)
            {
                // The stream broke: the dump tool's own error says why, when it has one. A tool still writing
                // means the repository side failed (a full disk): that error stands.
                try { await dump.CompleteAsync(ct).ConfigureAwait(false); }
                catch (InvalidOperationException) { }
                throw;
            }
            await dump.CompleteAsync(ct).ConfigureAwait(false);
            foreach (var (name, bytes) in dump.Extras)
                await composer.AddBytesAsync("database/" + name, bytes, ct).ConfigureAwait(false);
        }
        if (size == 0) throw new SourceException($"database {source.Name}: the dump is empty");
        return new DatabaseMetadata(source.Name, source.Engine, "database/" + file, description.ServerVersion, size, description.RowCounts);
    }

    /// <summary>A media folder's name in the snapshot: its configured name, or its path's last element.</summary>
    public static string MediaName(MediaSection m) => m.Name ?? Path.GetFileName(m.Path!.TrimEnd('/'));

    private static string Describe(DatabaseSection d) => DatabaseEngines.Require(d.Engine, d.Name).Locate(d);

    /// <summary>A media folder's files and bytes, also added to the backup's totals.</summary>
    private static (long Files, long Bytes) Count(string path, IReadOnlyList<string> excludes, BackupProgress totals)
    {
        var progress = new BackupProgress();
        var full = UnixPath.GetFullPath(path);
        FolderWalker.Scan([full], ExcludeMatcher.Within(System.Text.Encoding.UTF8.GetString(full), excludes), progress, CancellationToken.None);
        totals.AddScanned(progress.TotalFiles, progress.TotalBytes);
        return (progress.TotalFiles, progress.TotalBytes);
    }

    /// <summary>The application's backups, newest first.</summary>
    public async Task<IReadOnlyList<BackupInfo>> ListBackupsAsync(string? destination, CancellationToken ct)
    {
        var repo = await OpenRepositoryAsync(destination, ct).ConfigureAwait(false);
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

    /// <summary>Reads metadata.json from a snapshot's root tree.</summary>
    public static async Task<ApplicationMetadata?> ReadMetadataAsync(Repository.Repository repo, Model.BlobId tree, CancellationToken ct)
    {
        var root = await repo.LoadTreeAsync(tree, ct).ConfigureAwait(false);
        var node = root.Find(n => n.Name.AsSpan().SequenceEqual("metadata.json"u8));
        if (node?.Content is not { } content) return null;
        using var ms = new MemoryStream();
        foreach (var id in content)
        {
            var (buf, len) = await repo.ReadBlobAsync(id, ct).ConfigureAwait(false);
            var fits = ms.Length + len <= MetadataNames.MaxSize;
            if (fits) ms.Write(buf, 0, len);
            BufferPool.Instance.Return(buf);
            if (!fits) throw new InvalidMetadataException($"metadata.json is larger than {MetadataNames.MaxSize >> 20} MiB: it was not written by Coffre (forged or damaged)");
        }
        return ApplicationMetadata.Parse(ms.ToArray());
    }
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
    /// <summary>The repository the backup wrote to, still open: the rotation after it reuses it instead of deriving the key again (a 32 MiB scrypt, the day's memory peak otherwise).</summary>
    internal Repository.Repository? Repository { get; init; }

    /// <summary>How the copy to each of coffre.json's <c>copies</c> went, in their order (empty: none configured).</summary>
    public IReadOnlyList<CopyOutcome> Copies { get; init; } = [];
}

/// <summary>One application backup as listed: ID, time, size and what metadata.json says (null when unreadable).</summary>
public sealed record BackupInfo(Model.BlobId Id, DateTimeOffset Time, ulong Size, ApplicationMetadata? Metadata, IReadOnlyList<string> Tags)
{
    /// <summary>The name the old script used: YYYYMMDD_HHMMSS (local time).</summary>
    public string Stamp => BackupStamp.Format(Time);

    /// <summary>A safety snapshot a restore took (tag <c>pre-restore</c>) rather than a scheduled or manual backup.</summary>
    public bool IsSafetySnapshot => Tags.Contains(Restore.SnapshotResolver.PreRestoreTag);
}

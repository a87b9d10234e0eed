using System.Globalization;
using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Jobs;
using Coffre.Platform;
using Coffre.Repository;
using Coffre.Sources;

namespace Coffre.Application;

/// <summary>
/// One application backup, in a write session it is handed (it never opens the repository nor takes a lock):
/// every database dumped and every media folder, in one snapshot laid out as <see cref="ApplicationLayout"/> says.
/// A database dump that fails aborts before any snapshot is written; media files that cannot be read are named in
/// the result, and the snapshot says <c>incomplete</c>. The regular backup and a restore's safety snapshot both
/// run through here.
/// </summary>
public sealed class ApplicationBackup(CoffreConfig config, TimeProvider clock, IDictionary<string, string?>? environment = null)
{
    public string Application => config.Application ?? throw new CoffreException("the configuration names no application");
    public string AppTag => ApplicationLayout.AppTag(Application);

    /// <summary>Refuse a backup whose estimated size does not fit, before any dump starts (<see cref="ApplicationSpaceCheck"/>).</summary>
    public bool CheckFreeSpace { get; init; } = true;

    /// <summary>What the backup is doing now, e.g. <c>dumping database main</c>.</summary>
    public Action<string>? Step { get; init; }

    /// <summary>
    /// Backs up <paramref name="scope"/> into <paramref name="session"/>'s repository. A lost lock stops it before
    /// the snapshot is saved.
    /// </summary>
    public async Task<ApplicationBackupResult> RunAsync(RepositoryWriteSession session, BackupScope scope, BackupProgress progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(progress);
        if (!session.IsOpen) throw new InvalidOperationException("the write session is closed");
        session.Repository.EnsureWritable();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, session.Lost);
        try { return await RunLockedAsync(session.Repository, scope, progress, stop.Token).ConfigureAwait(false); }
        catch (Exception) when (session.IsLost && !ct.IsCancellationRequested)
        {
            session.ThrowIfLost();
            throw;
        }
    }

    private async Task<ApplicationBackupResult> RunLockedAsync(Repository.Repository repo, BackupScope scope, BackupProgress progress, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var databaseSections = config.Databases.Where(d => scope.Databases?.Contains(d.Name!) ?? true).ToList();
        var mediaSections = config.Media.Where(m => scope.Media?.Contains(ApplicationLayout.MediaName(m)) ?? true).ToList();
        var sources = databaseSections.Select(d => SourceFactory.Create(d, repo.Backend.Properties.StagingFolder, environment)).ToList();
        var host = Posix.GetHostName();
        var appTag = AppTag;
        // The application's snapshots are read once: the space check's and the composer's parent come from this list.
        var previous = (await repo.LoadSnapshotsAsync(ct).ConfigureAwait(false)).LastOrDefault(s => ApplicationLayout.IsFrom(s.Snapshot, appTag, host));

        // The media folders are walked once before the backup: their counts (metadata.json records them, the progress
        // has its totals from the start) and what changed since the previous backup (the space check).
        Step?.Invoke("counting the media files");
        var survey = MediaSurvey.Take(mediaSections, previous?.Snapshot.Time.ToDateTimeOffset(), ct);
        foreach (var (files, bytes) in survey.Folders) progress.AddScanned(files, bytes);
        if (CheckFreeSpace) await ApplicationSpaceCheck.EnsureRoomAsync(repo, previous, sources, databaseSections, survey, progress.Note, ct).ConfigureAwait(false);
        await using var composer = await SnapshotComposer.StartAsync(repo, clock, new ComposeOptions
        {
            Tags = [ApplicationLayout.CoffreTag, appTag, .. scope.ExtraTags],
            Hostname = host,
            Parent = previous,
        }, progress, ct).ConfigureAwait(false);

        progress.ScanDone();

        var databases = new List<DatabaseMetadata>();
        foreach (var source in sources)
        {
            Step?.Invoke($"dumping database {source.Name}");
            databases.Add(await DumpAsync(composer, source, ct).ConfigureAwait(false));
        }

        var media = new List<MediaMetadata>();
        foreach (var (m, (files, bytes)) in mediaSections.Zip(survey.Folders))
        {
            var name = ApplicationLayout.MediaName(m);
            Step?.Invoke($"saving media {name}");
            await composer.AddFolderAsync(ApplicationLayout.MediaPrefix + name, m.Path!, m.Exclude, ct).ConfigureAwait(false);
            media.Add(new MediaMetadata(name, m.Path!, files, bytes));
        }

        var storedConfiguration = await Recovery.ConfigurationInBackup.AddAsync(composer, config, ct).ConfigureAwait(false);
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
            Status = composer.Errors.Count == 0 ? "complete" : "incomplete",
            Purpose = scope.Purpose,
            Configuration = storedConfiguration,
        };
        Step?.Invoke("saving the snapshot");
        await composer.AddBytesAsync(ApplicationLayout.MetadataFile, metadata.ToJson(), ct).ConfigureAwait(false);
        var paths = databaseSections.Select(Describe).Concat(mediaSections.Select(m => m.Path!)).ToList();
        var result = await composer.CommitAsync(paths, ct).ConfigureAwait(false);
        return new ApplicationBackupResult(result, metadata);
    }

    private static async Task<DatabaseMetadata> DumpAsync(SnapshotComposer composer, IDatabaseSource source, CancellationToken ct)
    {
        var description = await source.DescribeAsync(ct).ConfigureAwait(false);
        var file = ApplicationLayout.DatabasePrefix + $"{source.Name}.{source.Extension}";
        long size;
        await using (var dump = await source.StartDumpAsync(ct).ConfigureAwait(false))
        {
            try { size = await composer.AddStreamAsync(file, dump.Content, ct).ConfigureAwait(false); }
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
                await composer.AddBytesAsync(ApplicationLayout.DatabasePrefix + name, bytes, ct).ConfigureAwait(false);
        }
        if (size == 0) throw new SourceException($"database {source.Name}: the dump is empty");
        return new DatabaseMetadata(source.Name, source.Engine, file, description.ServerVersion, size, description.RowCounts);
    }

    private static string Describe(DatabaseSection d) => DatabaseEngines.Require(d.Engine, d.Name).Locate(d);
}

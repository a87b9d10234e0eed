using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Maintenance;
using Coffre.Platform;
using Coffre.Sources;

namespace Coffre.Application;

/// <summary>
/// Refuses an application backup that cannot fit before any dump starts. The estimate: each database's dump as
/// large as in the previous backup's metadata.json (a SQLite database without one: its file's size; a server
/// database without one: unknown, so not counted), plus the media files changed since that backup (see
/// <see cref="Application.MediaSurvey"/>, the walk that also counts the media for metadata.json), plus a margin. Compression and deduplication usually make the real
/// growth much smaller, which is what --no-space-check is for.
/// </summary>
internal static class ApplicationSpaceCheck
{
    /// <param name="previous">The application's previous backup on this host (the caller read the snapshots), or null.</param>
    public static async Task EnsureRoomAsync(Repository.RepositoryReader repo, Repository.SnapshotEntry? previous, IReadOnlyList<IDatabaseSource> databases,
        IReadOnlyList<DatabaseSection> databaseSections, Application.MediaSurvey media, Action<string> notice, CancellationToken ct)
    {
        if ((await repo.Backend.CapacityAsync(ct).ConfigureAwait(false)).AvailableBytes is not { } available)
        {
            notice(DiskSpace.Unknown(repo.Backend.Location));
            return;
        }
        ApplicationMetadata? metadata = null;
        if (previous is not null)
        {
            try { metadata = await ApplicationMetadata.ReadAsync(repo, previous.Snapshot.Tree, ct).ConfigureAwait(false); }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException) { }
        }

        long dumps = 0;
        for (var i = 0; i < databases.Count; i++)
        {
            var last = metadata?.Databases.Find(d => d.Name == databases[i].Name);
            if (last is not null) dumps += last.Size;
            else if (DatabaseEngines.Find(databaseSections[i].Engine)?.EstimateDumpSize(databaseSections[i]) is { } estimate) dumps += estimate;
        }
        var since = previous?.Snapshot.Time.ToDateTimeOffset();
        var changed = media.ChangedBytes;
        DiskSpace.EnsureRoom(repo.Backend.Location, DiskSpace.WithMargin(dumps + changed), available, "this backup",
            $"{ByteSize.Format(dumps)} of database dumps{(metadata is null ? "" : " as large as last time")}, "
            + $"{ByteSize.Format(changed)} of {(since is null ? "media files" : "new or changed media files")} and a margin",
            BackupSpaceCheck.Advice);
    }
}

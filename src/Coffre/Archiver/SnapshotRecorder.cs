using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Platform;
using Coffre.Storage;

namespace Coffre.Archiver;

/// <summary>Writes the snapshot object: the last step of a backup, once its trees, packs and index are durable.</summary>
internal static class SnapshotRecorder
{
    public static async Task<BackupResult> SaveAsync(BackupPipeline pipeline, Node root, DateTimeOffset start, DateTimeOffset end,
        IReadOnlyList<string> paths, string hostname, IReadOnlyList<string> tags, IReadOnlyList<string> excludes, Repository.SnapshotEntry? parent, DateTimeOffset? time, CancellationToken ct)
    {
        var summary = pipeline.Summary.ToSummary(GoTime.FromDateTimeOffset(start), GoTime.FromDateTimeOffset(end), pipeline.Writer, pipeline.Progress);
        var snapshot = new Snapshot
        {
            Time = GoTime.FromDateTimeOffset(time ?? start),
            Parent = parent?.Id,
            Tree = root.Subtree!.Value,
            Paths = [.. paths],
            Hostname = hostname,
            Username = Environment.UserName,
            Uid = Posix.EffectiveUserId,
            Gid = Posix.EffectiveGroupId,
            Excludes = excludes.Count > 0 ? [.. excludes] : null,
            Tags = tags.Count > 0 ? [.. tags] : null,
            ProgramVersion = ProgramInfo.Version,
            Summary = summary,
        };
        var id = await pipeline.Repo.SaveJsonAsync(FileType.Snapshot, SnapshotJson.Serialize(snapshot), ct).ConfigureAwait(false);
        return new BackupResult(id, snapshot, summary, pipeline.Errors, parent?.Id);
    }
}

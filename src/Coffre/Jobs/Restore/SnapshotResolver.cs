using Coffre.Repository;

namespace Coffre.Jobs.Restore;

/// <summary>Finds one of an application's backups from what a person types: <c>latest</c>, an ID (prefix) or YYYYMMDD_HHMMSS.</summary>
public static class SnapshotResolver
{
    /// <summary>The tag of the snapshots a restore takes before overwriting anything.</summary>
    public const string PreRestoreTag = "pre-restore";

    /// <summary>
    /// <c>latest</c> is the newest backup of the application that is not a safety snapshot (those are named by
    /// their ID); an ID prefix or a stamp must name exactly one of the application's snapshots.
    /// </summary>
    public static async Task<SnapshotEntry> ResolveAsync(Repository.Repository repo, string appTag, string reference, CancellationToken ct)
    {
        var all = (await repo.LoadSnapshotsAsync(ct).ConfigureAwait(false)).Where(s => s.Snapshot.Tags?.Contains(appTag) == true).ToList();
        var app = appTag["app:".Length..];
        if (reference == "latest")
            return all.LastOrDefault(s => s.Snapshot.Tags?.Contains(PreRestoreTag) != true)
                   ?? throw new CoffreException($"the repository holds no backup of {app} yet: run 'coffre backup' first");
        var matches = BackupStamp.IsStamp(reference)
            ? all.Where(s => BackupStamp.Format(s.Snapshot.Time.ToDateTimeOffset()) == reference).ToList()
            : all.Where(s => s.Id.ToString().StartsWith(reference, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CoffreException($"no backup of {app} is named {reference}: see 'coffre list'"),
            _ => throw new CoffreException($"{reference} names {matches.Count} backups of {app}: give the ID shown by 'coffre list'"),
        };
    }
}

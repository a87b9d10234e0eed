using Coffre.Repository;

namespace Coffre.Jobs.Restore;

/// <summary>Finds one of an application's backups from what a person types: <c>latest</c>, an ID (prefix) or YYYYMMDD_HHMMSS.</summary>
public static class SnapshotResolver
{
    /// <summary>The tag of the snapshots a restore takes before overwriting anything.</summary>
    public const string PreRestoreTag = "pre-restore";

    /// <summary>
    /// <c>latest</c> is the newest backup of the application that is not a safety snapshot (those are named by
    /// their ID); an ID prefix or a stamp (in <paramref name="zone"/>, default local) must name exactly one of the
    /// application's snapshots. With <paramref name="appTag"/> null, every snapshot of the repository is considered.
    /// </summary>
    public static async Task<SnapshotEntry> ResolveAsync(Repository.RepositoryReader repo, string? appTag, string reference, CancellationToken ct, TimeZoneInfo? zone = null)
    {
        var all = (await repo.LoadSnapshotsAsync(ct).ConfigureAwait(false)).Where(s => appTag is null || s.Snapshot.Tags?.Contains(appTag) == true).ToList();
        var what = appTag is null ? "the repository" : appTag["app:".Length..];
        if (reference == "latest")
            return all.LastOrDefault(s => s.Snapshot.Tags?.Contains(PreRestoreTag) != true)
                   ?? throw new CoffreException(appTag is null
                       ? "the repository has no snapshot yet"
                       : $"the repository holds no backup of {what} yet: run 'coffre backup' first");
        List<SnapshotEntry> matches;
        if (BackupStamp.IsStamp(reference))
            matches = all.Where(s => BackupStamp.Format(s.Snapshot.Time.ToDateTimeOffset(), zone) == reference).ToList();
        else if (reference.Length is > 0 and <= 64 && reference.All(char.IsAsciiHexDigit))
            matches = all.Where(s => s.Id.ToString().StartsWith(reference, StringComparison.OrdinalIgnoreCase)).ToList();
        else
            throw new CoffreException($"\"{reference}\" names no backup: use latest, an ID (or its first characters) or YYYYMMDD_HHMMSS as 'coffre list' shows it");
        var scope = appTag is null ? "in the repository" : $"of {what}";
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CoffreException($"no backup {scope} is named {reference}: see 'coffre list'"),
            _ => throw new CoffreException($"{reference} names {matches.Count} backups {scope} ({string.Join(", ", matches.Select(m => m.Id.ToShortString()))}): give the ID shown by 'coffre list'"),
        };
    }
}

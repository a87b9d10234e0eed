using System.Text.RegularExpressions;
using Coffre.Repository;

namespace Coffre.Jobs.Archives;

/// <summary>
/// Finds the snapshot a person names: <c>latest</c>, an ID or a unique ID prefix, or <c>YYYYMMDD_HHMMSS</c> as
/// <c>coffre list</c> shows it (local time, to the second). With <c>appTag</c> (<c>app:NAME</c>) only the
/// application's snapshots are considered; without it, every snapshot.
/// </summary>
public static partial class SnapshotSelector
{
    public static async Task<SnapshotEntry> FindAsync(Repository.Repository repo, string reference, string? appTag, TimeZoneInfo zone, CancellationToken ct)
    {
        var all = await repo.LoadSnapshotsAsync(ct).ConfigureAwait(false);
        var candidates = appTag is null ? all : all.Where(s => s.Snapshot.Tags?.Contains(appTag) == true).ToList();
        var scope = appTag is null ? "the repository" : $"the backups of {appTag[4..]}";
        if (candidates.Count == 0) throw new CoffreException($"{scope} has no snapshot yet");
        if (reference == "latest") return candidates[^1];

        List<SnapshotEntry> matches;
        if (StampPattern().IsMatch(reference))
            matches = [.. candidates.Where(s => ArchiveTime.Stamp(s.Snapshot.Time.ToDateTimeOffset(), zone) == reference)];
        else if (HexPattern().IsMatch(reference))
            matches = [.. candidates.Where(s => s.Id.ToString().StartsWith(reference, StringComparison.OrdinalIgnoreCase))];
        else
            throw new CoffreException($"\"{reference}\" is not a snapshot: use latest, an ID (or its first characters) or YYYYMMDD_HHMMSS as 'coffre list' shows it");

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CoffreException($"no snapshot {reference} in {scope}: see 'coffre list' or 'coffre snapshots'"),
            _ => throw new CoffreException($"{reference} names {matches.Count} snapshots ({string.Join(", ", matches.Select(m => m.Id.ToShortString()))}): give an ID instead"),
        };
    }

    [GeneratedRegex(@"^\d{8}_\d{6}$")]
    private static partial Regex StampPattern();

    [GeneratedRegex("^[0-9a-fA-F]{1,64}$")]
    private static partial Regex HexPattern();
}

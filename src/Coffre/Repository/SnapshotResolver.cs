using System.Globalization;
using Coffre.Storage;

namespace Coffre.Repository;

/// <summary>
/// The one grammar that names a snapshot, for every command, the dashboard and the service:
/// <list type="bullet">
/// <item><c>latest</c>: the newest snapshot; within an application (<c>appTag</c> given), its newest backup that is
/// not a safety snapshot (those are named by their ID);</item>
/// <item>a full ID or a unique prefix of one (hex, any case): only the snapshot files whose names match are read;</item>
/// <item><c>YYYYMMDD_HHMMSS</c>: the backup's time in the local time zone, as <c>coffre list</c> and the old backup
/// script name it; it must name exactly one snapshot.</item>
/// </list>
/// With an <c>appTag</c>, only that application's snapshots are considered. When the index was read before, and the
/// snapshot was saved since (a backup finishing beside this command: both hold shared locks), the index files saved
/// since are read too: a backup stores its index before its snapshot.
/// </summary>
public static class SnapshotResolver
{
    public const string Latest = "latest";

    /// <summary>The tag of the snapshots a restore takes before overwriting anything: never an application's <c>latest</c>.</summary>
    public const string PreRestoreTag = "pre-restore";

    private const string StampFormat = "yyyyMMdd_HHmmss";

    /// <summary>The stamp of <paramref name="time"/> in <paramref name="zone"/> (default: this machine's time zone).</summary>
    public static string Stamp(DateTimeOffset time, TimeZoneInfo? zone = null) =>
        TimeZoneInfo.ConvertTime(time, zone ?? TimeZoneInfo.Local).ToString(StampFormat, CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="text"/> has the form of a stamp (8 digits, <c>_</c>, 6 digits).</summary>
    public static bool IsStamp(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 15 && text[8] == '_' && text.Remove(8, 1).All(char.IsAsciiDigit);
    }

    private static bool IsIdPrefix(string text) => text.Length is > 0 and <= 64 && text.All(char.IsAsciiHexDigit);

    public static async Task<SnapshotEntry> ResolveAsync(RepositoryReader repo, string? appTag, string reference, CancellationToken ct, TimeZoneInfo? zone = null)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(reference);
        bool InScope(SnapshotEntry s) => appTag is null || s.Snapshot.Tags?.Contains(appTag) == true;
        var what = appTag is null ? null : appTag[(appTag.IndexOf(':', StringComparison.Ordinal) + 1)..];
        if (reference == Latest)
        {
            var all = (await repo.LoadSnapshotsAsync(ct).ConfigureAwait(false)).Where(InScope);
            return (appTag is null ? all.LastOrDefault() : all.LastOrDefault(s => s.Snapshot.Tags?.Contains(PreRestoreTag) != true))
                   ?? throw new CoffreException(what is null
                       ? "the repository has no snapshot yet"
                       : $"the repository holds no backup of {what} yet: run 'coffre backup' first");
        }
        List<SnapshotEntry> matches;
        if (IsStamp(reference))
            matches = (await repo.LoadSnapshotsAsync(ct).ConfigureAwait(false)).Where(s => InScope(s) && Stamp(s.Snapshot.Time.ToDateTimeOffset(), zone) == reference).ToList();
        else if (IsIdPrefix(reference))
            matches = [.. (await LoadByPrefixAsync(repo, reference, ct).ConfigureAwait(false)).Where(InScope)];
        else
            throw new CoffreException($"\"{reference}\" names no {(what is null ? "snapshot" : "backup")}: use latest, an ID (or its first characters) or YYYYMMDD_HHMMSS as '{(what is null ? "coffre snapshots" : "coffre list")}' shows it");
        var found = matches.Count switch
        {
            1 => matches[0],
            0 => throw new CoffreException(what is null
                ? $"no snapshot with ID {reference}: see 'coffre snapshots'"
                : $"no backup of {what} is named {reference}: see 'coffre list'"),
            _ => throw new CoffreException($"{reference} names {matches.Count} {(what is null ? "snapshots" : $"backups of {what}")} ({string.Join(", ", matches.Select(m => m.Id.ToShortString()))}): give more characters of the ID"),
        };
        await repo.EnsureIndexCoversAsync(found, ct).ConfigureAwait(false);
        return found;
    }

    /// <summary>The snapshots whose ID starts with <paramref name="prefix"/>: only their files are read.</summary>
    private static async Task<List<SnapshotEntry>> LoadByPrefixAsync(RepositoryReader repo, string prefix, CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (var e in repo.Backend.ListAsync(FileType.Snapshot, ct).ConfigureAwait(false))
            if (e.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) names.Add(e.Name);
        var list = new List<SnapshotEntry>();
        foreach (var name in names) list.Add(await repo.LoadSnapshotAsync(name, ct).ConfigureAwait(false));
        return list;
    }
}

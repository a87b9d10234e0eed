using Coffre.Maintenance;

namespace Coffre.Application.Restore;

/// <summary>
/// A <see cref="RestorePlan"/> in words, as <c>coffre restore</c> prints it before asking and the dashboard shows it
/// before the confirmation: the backup, each database it replaces, and per media folder what changes there.
/// </summary>
public static class RestorePlanText
{
    /// <summary>Said when <see cref="RestorePlan.OverwritesInPlace"/>.</summary>
    public const string SafetySnapshotNote = "Before anything is overwritten, a safety snapshot (tag pre-restore) keeps what is there now.";

    /// <summary><c>Backup 3e7d4c4a of shop, 20261121_093829 (complete)</c>.</summary>
    public static string Heading(RestorePlan plan, string application)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return $"Backup {plan.Snapshot.Id.ToShortString()} of {application}, {plan.Stamp} ({plan.Metadata?.Status ?? "no metadata"})";
    }

    /// <summary>One line per database, then one per media folder.</summary>
    public static IEnumerable<string> Parts(RestorePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Databases.Select(Database).Concat(plan.Media.Select(Media));
    }

    /// <summary><c>database main (1.20 MiB) -> /srv/shop/app.sqlite3: REPLACES what it holds now</c>.</summary>
    public static string Database(DatabaseRestorePlan d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var what = d.Kind switch
        {
            DatabaseRestoreKind.InPlace when d.DestinationExists => "REPLACES what it holds now",
            DatabaseRestoreKind.InPlace => "it does not exist now: created",
            DatabaseRestoreKind.OtherDatabase => "created",
            _ => "dump written as a file",
        };
        return $"database {d.Name} ({ByteSize.Format(d.Dump.Size)}) -> {d.Destination}: {what}";
    }

    /// <summary><c>media uploads -> /srv/shop/media: 4 files, 3.00 MiB: 1 created, 1 OVERWRITTEN, 1 REMOVED (not in the backup), 2 unchanged</c>.</summary>
    public static string Media(MediaRestorePlan m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var part = m.Includes.Count > 0 ? $" (only {string.Join(", ", m.Includes)})" : "";
        var changes = m.InPlace
            ? $"{m.Created} created, {m.Overwritten} OVERWRITTEN, {m.Removed} REMOVED (not in the backup), {m.Unchanged} unchanged"
            : "a new folder";
        return $"media {m.Name}{part} -> {m.Destination}: {m.Files} files, {ByteSize.Format(m.Bytes)}: {changes}";
    }
}

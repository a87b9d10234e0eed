using Coffre.Configuration;
using Coffre.Model;
using Coffre.Repository;
using Coffre.Application;

namespace Coffre.Application.Restore;

/// <summary>
/// What a restore will do, computed before anything is touched, so it can be shown and confirmed: which backup,
/// which databases go where, and for each media folder how many files are created, overwritten and removed.
/// </summary>
public sealed record RestorePlan(
    SnapshotEntry Snapshot,
    ApplicationMetadata? Metadata,
    IReadOnlyList<DatabaseRestorePlan> Databases,
    IReadOnlyList<MediaRestorePlan> Media,
    IReadOnlyList<string> Warnings)
{
    public string Stamp => BackupStamp.Format(Snapshot.Snapshot.Time.ToDateTimeOffset());

    /// <summary>Whether the restore replaces anything where the application keeps its data (then it asks first and
    /// takes a safety snapshot).</summary>
    public bool OverwritesInPlace => Databases.Any(d => d.Kind == DatabaseRestoreKind.InPlace)
                                     || Media.Any(m => m.InPlace && (m.Overwritten > 0 || m.Removed > 0));

    public bool IsEmpty => Databases.Count == 0 && Media.Count == 0;
}

/// <summary>Where a database dump goes.</summary>
public enum DatabaseRestoreKind
{
    /// <summary>Into the configured database, replacing what it holds.</summary>
    InPlace,
    /// <summary>Into another database (created when missing), or another SQLite file.</summary>
    OtherDatabase,
    /// <summary>The dump written as a file under the target folder (server databases with <c>--target</c>).</summary>
    DumpFile,
}

/// <summary>One database of the backup and where it goes. <see cref="Section"/> is the configuration, pointed at the destination.</summary>
public sealed record DatabaseRestorePlan(
    string Name,
    DatabaseSection Section,
    string DumpPath,
    Node Dump,
    DatabaseMetadata? Metadata,
    DatabaseRestoreKind Kind,
    string Destination,
    bool DestinationExists,
    IReadOnlyList<string> ExtraFiles);

/// <summary>One media folder of the backup and where it goes, with what the restore will change there.</summary>
public sealed record MediaRestorePlan(
    string Name,
    string SnapshotPath,
    string Destination,
    bool InPlace,
    IReadOnlyList<string> Includes,
    IReadOnlyList<string> Excludes,
    long Files,
    long Bytes,
    long Created,
    long Overwritten,
    long Unchanged,
    long Removed);

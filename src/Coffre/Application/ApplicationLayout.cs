using Coffre.Configuration;

namespace Coffre.Application;

/// <summary>
/// How an application backup is laid out, in one place: <c>database/&lt;name&gt;.&lt;ext&gt;</c> (and the engine's
/// extra files beside it), <c>media/&lt;name&gt;/…</c>, <c>metadata.json</c> at the root; tagged <c>coffre</c> and
/// <c>app:&lt;name&gt;</c>, plus <c>pre-restore</c> on the safety snapshot a restore takes.
/// </summary>
public static class ApplicationLayout
{
    public const string DatabasePrefix = "database/";
    public const string MediaPrefix = "media/";
    public const string MetadataFile = "metadata.json";
    public const string CoffreTag = "coffre";
    public const string AppTagPrefix = "app:";
    /// <summary>The tag of the snapshots a restore takes before overwriting anything.</summary>
    public const string PreRestoreTag = Repository.SnapshotResolver.PreRestoreTag;

    /// <summary>The tag naming an application's snapshots.</summary>
    public static string AppTag(string application) => AppTagPrefix + application;

    /// <summary>A media folder's name in the snapshot: its configured name, or its path's last element.</summary>
    public static string MediaName(MediaSection m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return m.Name ?? Path.GetFileName(m.Path!.TrimEnd('/'));
    }

    /// <summary>Whether a snapshot is one of the application's on <paramref name="host"/> (the group a backup's parent and rotation come from).</summary>
    public static bool IsFrom(Model.Snapshot snapshot, string appTag, string host)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Hostname == host && snapshot.Tags?.Contains(appTag) == true;
    }
}

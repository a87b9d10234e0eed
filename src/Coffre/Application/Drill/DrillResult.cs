using Coffre.Model;

namespace Coffre.Application.Drill;

/// <summary>
/// What a restore drill checked and found: for each database, the scratch database it was restored into and the
/// row counts compared; for the media, how many files were restored and hashed. <see cref="Ok"/> only when every
/// check passed; <see cref="Reasons"/> says why not.
/// </summary>
public sealed record DrillResult(
    BlobId SnapshotId,
    string Stamp,
    IReadOnlyList<DatabaseDrill> Databases,
    IReadOnlyList<MediaDrill> Media,
    TimeSpan Duration)
{
    public bool Ok => Databases.All(d => d.Ok) && Media.All(m => m.Ok);

    public IReadOnlyList<string> Reasons =>
    [
        .. Databases.Where(d => !d.Ok).Select(d => $"database {d.Name}: {d.Problem}"),
        .. Media.Where(m => !m.Ok).Select(m => $"media {m.Name}: {m.Problem}"),
    ];

    /// <summary>The one-line error of a drill that did not pass (the run's error and the alert's message), or null.</summary>
    public string? Failure => Ok ? null
        : $"the drill of backup {SnapshotId.ToShortString()} failed: {Reasons[0]}{(Reasons.Count > 1 ? $" (and {Reasons.Count - 1} more)" : "")}";
}

/// <summary>One database restored into a scratch database (or temp file) and compared with metadata.json.</summary>
public sealed record DatabaseDrill(string Name, string Engine, string Scratch, int Tables, long Rows, bool RowCountsRecorded, string? Problem)
{
    public bool Ok => Problem is null;
}

/// <summary>A sample (or all) of a media folder's files restored into a temp folder and hashed against the backup.</summary>
public sealed record MediaDrill(string Name, long FilesInBackup, long FilesChecked, long BytesChecked, string? Problem)
{
    public bool Ok => Problem is null;
}

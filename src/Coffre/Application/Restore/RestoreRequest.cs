namespace Coffre.Application.Restore;

/// <summary>Which parts of an application backup a restore puts back.</summary>
public enum RestoreParts
{
    All,
    Databases,
    Media,
}

/// <summary>The parts as <c>coffre restore --only</c> and the dashboard's restore page name them.</summary>
public static class RestorePartsNames
{
    /// <summary>Nothing (everything), <c>database</c> (or <c>databases</c>) or <c>media</c>; false for another word.</summary>
    public static bool TryParseOnly(string? only, out RestoreParts parts)
    {
        parts = only switch
        {
            null or "" => RestoreParts.All,
            "database" or "databases" => RestoreParts.Databases,
            "media" => RestoreParts.Media,
            _ => (RestoreParts)(-1),
        };
        return Enum.IsDefined(parts);
    }

    /// <summary>The word <see cref="TryParseOnly"/> reads back: null for everything.</summary>
    public static string? Only(RestoreParts parts) => parts switch
    {
        RestoreParts.Databases => "database",
        RestoreParts.Media => "media",
        _ => null,
    };
}

/// <summary>What a person asked to restore, and where. Every option is one of <c>coffre restore</c>'s.</summary>
public sealed record RestoreRequest
{
    /// <summary><c>latest</c>, a snapshot ID (prefix) or the backup's YYYYMMDD_HHMMSS.</summary>
    public string Snapshot { get; init; } = "latest";

    /// <summary><c>--only database|media</c>.</summary>
    public RestoreParts Parts { get; init; } = RestoreParts.All;

    /// <summary>
    /// <c>--include</c>: paths of the snapshot to restore (e.g. <c>media/uploads/2024</c>, <c>database/main.pgdump</c>);
    /// the parts no include names are left alone.
    /// </summary>
    public IReadOnlyList<string> Includes { get; init; } = [];

    /// <summary><c>--database NAME</c>: only this database (its name in the configuration).</summary>
    public string? Database { get; init; }

    /// <summary>
    /// <c>--target DIR</c>: restore files under this folder instead of where they live — media as
    /// <c>DIR/media/&lt;name&gt;</c>, SQLite databases as <c>DIR/database/&lt;name&gt;.sqlite</c> and, unless
    /// <see cref="ToDatabase"/> is given, server dumps as files in <c>DIR/database/</c>. Nothing in place is touched.
    /// </summary>
    public string? Target { get; init; }

    /// <summary>
    /// <c>--to-database NAME</c>: restore the database into another one (created when missing) instead of the
    /// configured one; for SQLite, NAME is a file. Only one database may be restored this way at a time.
    /// </summary>
    public string? ToDatabase { get; init; }

    /// <summary>Restore from this repository instead of the configured one (<c>--dest</c>).</summary>
    public string? Destination { get; init; }

    /// <summary>Take a safety snapshot (tag <c>pre-restore</c>) of what is overwritten. Only tests and drills turn it off.</summary>
    public bool SafetySnapshot { get; init; } = true;
}

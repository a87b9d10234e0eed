namespace Coffre.Sources;

/// <summary>
/// Everything Coffre knows about one database engine, in one place: its name in coffre.json, its dump's extension,
/// how a configured database is completed, checked and described, how its dumps are recognised, where a drill
/// restores it, and the source that dumps and restores it. The engines are listed once, in
/// <see cref="DatabaseEngines.All"/>; nothing outside <c>Sources/</c> asks which engine it is.
/// </summary>
public interface IDatabaseEngine
{
    /// <summary>The name coffre.json and metadata.json use (<c>postgresql</c>): lower case, unique.</summary>
    string Name { get; }

    /// <summary>The name people know it by (<c>PostgreSQL</c>), for messages.</summary>
    string DisplayName { get; }

    /// <summary>The dump's file extension in the snapshot (<c>database/NAME.EXT</c>), without dot: unique per engine.</summary>
    string Extension { get; }

    /// <summary>The port a server listens on when the configuration names none; null for a file-based engine.</summary>
    int? DefaultPort { get; }

    /// <summary>A database that is one file (restored by writing the file), not one on a server (restored by its tools).</summary>
    bool IsFileBased { get; }

    /// <summary>Whether the configuration may name a password source for it (passwordEnv/File/Command).</summary>
    bool TakesPassword { get; }

    /// <summary>Fills in the defaults of a loaded section whose paths are resolved (host, port, a name from the file).</summary>
    void Complete(IDatabaseSettings db);

    /// <summary>Reports each faulty key of a completed section through <paramref name="error"/>(key path, message).</summary>
    void Validate(string key, IDatabaseSettings db, Action<string, string> error);

    /// <summary>Where the database is, as a path recorded in the snapshot (<c>postgresql://host:port/db</c>).</summary>
    string Locate(IDatabaseSettings db);

    /// <summary>Where the database is, for people (a restore plan: <c>postgresql database "shop" on host:port</c>).</summary>
    string Describe(IDatabaseSettings db);

    /// <summary>Points a copy of a section at another database: a database name on the same server, or another file.</summary>
    void Retarget(IDatabaseSettings copy, string other);

    /// <summary>Where a drill restores a backup of database <paramref name="name"/>: a new database, or a file in <paramref name="scratchFolder"/>.</summary>
    string ScratchTarget(string name, string scratchFolder);

    /// <summary>How large the next dump may be when no earlier backup says so, or null when unknown.</summary>
    long? EstimateDumpSize(IDatabaseSettings db);

    /// <summary>
    /// The extension a dump gets when its first bytes are surely this engine's (a file signature, a dump tool's
    /// header), else null. <paramref name="head"/> is up to <see cref="DatabaseEngines.DumpHeadSize"/> bytes.
    /// </summary>
    string? RecogniseDump(ReadOnlySpan<byte> head);

    /// <summary>
    /// The endings of the extra files its source writes beside a dump (<c>NAME.roles.sql</c>: <c>roles.sql</c>), which
    /// are never dumps themselves.
    /// </summary>
    IReadOnlyList<string> ExtraFileSuffixes { get; }

    /// <summary>The extension of a plain SQL text dump no engine claims, when this engine is the one such text is taken for; else null.</summary>
    string? PlainSqlExtension { get; }

    /// <summary>
    /// The source that dumps and restores the database of a completed, valid section. <paramref name="password"/> is
    /// the secret its password source gave (null: none). <paramref name="repositoryStagingFolder"/>: a local
    /// repository's <c>data/</c> folder, or null (see <c>SourceFactory</c>).
    /// </summary>
    IDatabaseSource CreateSource(IDatabaseSettings db, string? password, string? repositoryStagingFolder);

    /// <summary>
    /// Whether this machine can dump the database: its client tools are present (and not older than the server, when
    /// that matters). <paramref name="password"/> is asked only when the server must be reached. Runs the tools.
    /// </summary>
    Task<IReadOnlyList<ToolProblem>> CheckToolsAsync(IDatabaseSettings db, Func<string?> password, CancellationToken ct);
}

namespace Coffre.Sources.PostgreSql;

/// <summary>
/// PostgreSQL: <c>postgresql</c>, port 5432, dumped by pg_dump in its custom format (<c>.pgdump</c>, starting with
/// <c>PGDMP</c>). Plain SQL text that no other engine claims is taken for a PostgreSQL plain dump (<c>.sql</c>).
/// </summary>
public sealed class PostgreSqlEngine : ServerEngine
{
    public override string Name => "postgresql";
    public override string DisplayName => "PostgreSQL";
    public override string Extension => "pgdump";
    public override int DefaultServerPort => 5432;
    public override string? PlainSqlExtension => "sql";

    /// <summary>The roles (<c>pg_dumpall --roles-only --no-role-passwords</c>), <see cref="PostgreSqlSource.RolesFileName"/>.</summary>
    public override IReadOnlyList<string> ExtraFileSuffixes => ["roles.sql"];

    public override string? RecogniseDump(ReadOnlySpan<byte> head) => head.StartsWith("PGDMP"u8) ? Extension : null;

    public override IDatabaseSource CreateSource(IDatabaseSettings db, string? password, string? repositoryStagingFolder)
    {
        ArgumentNullException.ThrowIfNull(db);
        return new PostgreSqlSource(new PostgreSqlSettings(db.Name!, HostOf(db), PortOf(db), db.Database!, db.User!, password, BinDirectoryOf(db))
        {
            AllowPrivilegedRestore = db.AllowPrivilegedRestore ?? false,
        });
    }

    public override Task<IReadOnlyList<ToolProblem>> CheckToolsAsync(IDatabaseSettings db, Func<string?> password, CancellationToken ct) =>
        PostgreSqlTools.CheckAsync(db, BinDirectoryOf(db), password, ct);
}

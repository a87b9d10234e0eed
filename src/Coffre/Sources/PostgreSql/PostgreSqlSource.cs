using System.Globalization;
using System.Text;

namespace Coffre.Sources.PostgreSql;

/// <summary>
/// A PostgreSQL database, dumped with <c>pg_dump -Fc -Z0</c> (custom format, uncompressed so that unchanged tables
/// deduplicate from one day to the next) streamed from the tool's stdout, plus the cluster's roles
/// (<c>pg_dumpall --roles-only --no-role-passwords</c>) as the extra <c>&lt;name&gt;.roles.sql</c>. Restored with <c>pg_restore</c>
/// reading stdin. The password reaches the tools only through <c>PGPASSWORD</c> in their environment.
/// </summary>
public sealed partial class PostgreSqlSource(PostgreSqlSettings settings) : IDatabaseSource
{
    /// <summary>Rows of every ordinary table (partitions included, partitioned parents not, so no row counts twice)
    /// outside the system schemas, counted exactly with one <c>count(*)</c> each through <c>query_to_xml</c>.</summary>
    private const string RowCountQuery = """
        SELECT n.nspname || '.' || c.relname,
               (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
        ORDER BY 1
        """;

    public string Name => settings.Name;
    public string Engine => "postgresql";
    public string Extension => "pgdump";

    public PostgreSqlSettings Settings => settings;

    /// <summary>The extra file holding the roles (relative to <c>database/</c>).</summary>
    public string RolesFileName => $"{settings.Name}.roles.sql";

    public async Task<DatabaseDescription> DescribeAsync(CancellationToken ct)
    {
        var psql = Tool("psql");
        // One repeatable-read, read-only transaction: every count sees the same snapshot.
        var result = await ProcessRunner.RunAsync(psql,
            [
                "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "--field-separator-zero", "--record-separator-zero",
                .. Connection(), "-d", ConnInfo(settings.Database),
                "-c", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                "-c", "SHOW server_version",
                "-c", RowCountQuery,
                "-c", "COMMIT",
            ], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (result.ExitCode != 0) throw Explain("psql", result.ExitCode, result.Stderr);

        var fields = result.StdoutText.Split('\0');
        var count = fields.Length > 0 && fields[^1].Length == 0 ? fields.Length - 1 : fields.Length;
        if (count < 1 || count % 2 != 1)
            throw new SourceException($"psql returned an unexpected answer while describing database \"{settings.Database}\"");
        var rows = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 1; i < count; i += 2)
            rows[fields[i]] = long.Parse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture);
        return new DatabaseDescription(fields[0], rows);
    }

    public async Task<DumpStream> StartDumpAsync(CancellationToken ct)
    {
        var pgDump = Tool("pg_dump");
        var pgDumpAll = Tool("pg_dumpall");
        var roles = await DumpRolesAsync(pgDumpAll, ct).ConfigureAwait(false);
        var tool = ProcessRunner.Start(pgDump, ["-Fc", "-Z0", .. Connection(), "-d", ConnInfo(settings.Database)], Environment(), inherit: Inherited);
        return new ProcessDumpStream(tool, (exit, stderr) => Explain("pg_dump", exit, stderr),
            new Dictionary<string, byte[]> { [RolesFileName] = roles });
    }

    public async Task RestoreAsync(Stream dump, string? targetDatabase, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dump);
        var database = targetDatabase ?? settings.Database;
        var pgRestore = Tool("pg_restore");
        await EnsureDatabaseAsync(database, ct).ConfigureAwait(false);
        if (!settings.AllowPrivilegedRestore) await RefusePrivilegedRoleAsync(database, ct).ConfigureAwait(false);
        await EmptyAsync(database, ct).ConfigureAwait(false);

        // The database is empty now, so it ends up holding exactly what the dump holds: objects created after the
        // backup do not survive, and none stands in the way of the dump's (a foreign key to a table the dump drops).
        // --clean --if-exists are kept for the schema objects every database has (public). --no-owner: objects belong to the
        // restoring user, who need not be the original owner nor a superuser. Not --single-transaction: it turns
        // every error fatal, including the harmless ones below, which a non-superuser restoring a superuser's dump
        // always meets; the caller's pre-restore safety snapshot covers a restore that fails halfway.
        var result = await ProcessRunner.RunAsync(pgRestore,
            ["--clean", "--if-exists", "--no-owner", .. Connection(), "-d", ConnInfo(database)],
            Environment(), ct, stdin: dump, inherit: Inherited).ConfigureAwait(false);
        if (result.ExitCode == 0) return;

        // pg_restore goes on after an SQL error and exits 1 at the end ("errors ignored on restore: N"). Each error
        // is one "pg_restore: error:" line. Ignored: only errors about objects a non-owner cannot touch and that
        // the target already has in the right shape (the comment on the plpgsql extension, the public schema of
        // dumps made by other versions). Every other error (a table, a row, a constraint, a function that did not
        // come back) fails the restore, as does a failure to connect or to read the archive.
        var errors = result.Stderr.Split('\n')
            .Where(l => l.StartsWith("pg_restore: error:", StringComparison.Ordinal))
            .ToList();
        var serious = errors.Where(e => !IsIgnorableRestoreError(e)).ToList();
        // Cut error output may hide errors past the cut: then the restore is not known to be complete.
        if (errors.Count > 0 && serious.Count == 0 && !result.StderrCut) return;
        if (serious.Count == 0 && result.StderrCut)
            throw new SourceException($"restore into database \"{database}\" failed: pg_restore reported more errors than Coffre keeps "
                + $"({ToolProcess.MaxStderrChars / 1024} KiB of error output), so the restore cannot be known complete");
        if (serious.Count == 0) throw Explain("pg_restore", result.ExitCode, result.Stderr);
        var first = Explain("pg_restore", result.ExitCode, serious[0]).Message;
        var more = serious.Count > 1 ? $" (and {serious.Count - 1} more error{(serious.Count > 2 ? "s" : "")})" : "";
        throw new SourceException($"restore into database \"{database}\" failed: {first}{more}");
    }

    /// <summary>
    /// A dump is untrusted input (an archive, a snapshot anyone with the repository key may have written) and
    /// pg_restore runs whatever SQL it holds with the powers of the restoring role. With a superuser's, that SQL can run
    /// programs on the database server (<c>COPY ... FROM/TO PROGRAM</c>, functions in untrusted languages such as
    /// plpython3u or C), read and write its files, <c>ALTER SYSTEM</c> and create roles. So a restore refuses, before
    /// anything is changed, a role that has such powers: a superuser, a member of pg_execute_server_program,
    /// pg_write_server_files or pg_read_server_files, or (before PostgreSQL 16, where CREATEROLE may grant itself those
    /// roles) a role with CREATEROLE; unless the configuration says to trust the dumps (allowPrivilegedRestore).
    /// </summary>
    private async Task RefusePrivilegedRoleAsync(string database, CancellationToken ct)
    {
        const string sql = """
            SELECT coalesce(string_agg(power, '; ' ORDER BY rank), '') FROM (
              SELECT 0 AS rank, 'is a superuser' AS power FROM pg_catalog.pg_roles WHERE rolname = current_user AND rolsuper
              UNION ALL
              SELECT 1, 'is a member of ' || rolname FROM pg_catalog.pg_roles
               WHERE rolname IN ('pg_execute_server_program', 'pg_write_server_files', 'pg_read_server_files')
                 AND pg_catalog.pg_has_role(current_user, oid, 'MEMBER')
                 AND NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
              UNION ALL
              SELECT 2, 'has CREATEROLE (which lets it grant itself pg_execute_server_program before PostgreSQL 16)'
                FROM pg_catalog.pg_roles WHERE rolname = current_user AND rolcreaterole AND NOT rolsuper
                 AND pg_catalog.current_setting('server_version_num')::int < 160000
            ) AS powers
            """;
        var result = await ProcessRunner.RunAsync(Tool("psql"),
            ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", .. Connection(), "-d", ConnInfo(database), "-c", sql], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new SourceException($"cannot check the powers of user {settings.User} before the restore: {Explain("psql", result.ExitCode, result.Stderr).Message}");
        var powers = result.StdoutText.Trim();
        if (powers.Length == 0) return;
        throw new SourceException(
            $"restore into database \"{database}\" refused: user {settings.User} {powers}, and a dump restored with those powers can run "
            + "programs on the database server (COPY ... PROGRAM, untrusted languages) and change the server itself. Restore as the "
            + $"application's own role (databases[].user), or set databases[].allowPrivilegedRestore to true for \"{settings.Name}\" "
            + "if every dump that may be restored is trusted");
    }

    /// <summary>
    /// Empties the database in one transaction (all or nothing, so a user who may not drop something changes
    /// nothing): every schema but public is dropped with what it holds; in public, every table, view, sequence,
    /// routine and type that does not belong to an extension; every large object. The public schema itself stays,
    /// with its owner and privileges as the server made them.
    /// </summary>
    private async Task EmptyAsync(string database, CancellationToken ct)
    {
        const string sql = """
            DO $$ DECLARE r record; BEGIN
              FOR r IN SELECT nspname FROM pg_catalog.pg_namespace
                       WHERE nspname NOT LIKE 'pg\_%' AND nspname NOT IN ('information_schema', 'public') LOOP
                EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', r.nspname);
              END LOOP;
              FOR r IN SELECT c.oid::regclass::text AS name,
                              CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                                             WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
                       FROM pg_catalog.pg_class c
                       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') LOOP
                EXECUTE format('DROP %s IF EXISTS %s CASCADE', r.kind, r.name);
              END LOOP;
              FOR r IN SELECT p.oid::regprocedure::text AS name FROM pg_catalog.pg_proc p
                       WHERE p.pronamespace = 'public'::regnamespace
                         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') LOOP
                EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', r.name);
              END LOOP;
              FOR r IN SELECT t.oid::regtype::text AS name FROM pg_catalog.pg_type t
                       WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'r', 'c')
                         AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c')
                         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e') LOOP
                EXECUTE format('DROP TYPE IF EXISTS %s CASCADE', r.name);
              END LOOP;
              PERFORM pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata;
            END $$
            """;
        var result = await ProcessRunner.RunAsync(Tool("psql"),
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", .. Connection(), "-d", ConnInfo(database), "-c", sql], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new SourceException($"cannot empty database \"{database}\" before the restore: {Explain("psql", result.ExitCode, result.Stderr).Message}");
    }

    internal static bool IsIgnorableRestoreError(string line)
        => line.Contains("must be owner of extension", StringComparison.Ordinal)
           || line.Contains("must be owner of schema public", StringComparison.Ordinal)
           || line.Contains("schema \"public\" already exists", StringComparison.Ordinal);

    public async Task<bool> ExistsAsync(CancellationToken ct)
    {
        var probe = await ProcessRunner.RunAsync(Tool("psql"),
            ["-X", "-q", "-A", "-t", .. Connection(), "-d", ConnInfo(settings.Database), "-c", "SELECT 1"], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (probe.ExitCode == 0) return true;
        if (probe.Stderr.Contains($"database \"{settings.Database}\" does not exist", StringComparison.Ordinal)) return false;
        throw Explain("psql", probe.ExitCode, probe.Stderr);
    }

    public async Task DropAsync(CancellationToken ct)
    {
        var result = await ProcessRunner.RunAsync(Tool("dropdb"), [.. Connection(), "--if-exists", "--force", "--", settings.Database], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (result.ExitCode != 0) throw new SourceException($"cannot drop database \"{settings.Database}\": {Explain("dropdb", result.ExitCode, result.Stderr).Message}");
    }

    /// <summary>Creates <paramref name="database"/> (from template0, so nothing from template1 gets in the
    /// restore's way) unless it exists.</summary>
    private async Task EnsureDatabaseAsync(string database, CancellationToken ct)
    {
        var psql = Tool("psql");
        var probe = await ProcessRunner.RunAsync(psql,
            ["-X", "-q", "-A", "-t", .. Connection(), "-d", ConnInfo(database), "-c", "SELECT 1"], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (probe.ExitCode == 0) return;
        if (!probe.Stderr.Contains($"database \"{database}\" does not exist", StringComparison.Ordinal))
            throw Explain("psql", probe.ExitCode, probe.Stderr);
        var createdb = Tool("createdb");
        var created = await ProcessRunner.RunAsync(createdb, [.. Connection(), "-T", "template0", "--", database], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (created.ExitCode != 0 && !created.Stderr.Contains("already exists", StringComparison.Ordinal))
            throw new SourceException($"cannot create database \"{database}\": {Explain("createdb", created.ExitCode, created.Stderr).Message}");
    }

    /// <summary>
    /// The cluster's roles without their passwords (<c>pg_dumpall --roles-only --no-role-passwords</c>: no password
    /// hash ever goes into a backup, and any user can read what it needs, pg_roles), or an SQL comment saying why they
    /// are missing. A restore on a new server creates the missing ones from it (docs/recovery.md).
    /// </summary>
    private async Task<byte[]> DumpRolesAsync(string pgDumpAll, CancellationToken ct)
    {
        string[] args = ["--roles-only", "--no-role-passwords", .. Connection(), "-l", settings.Database];
        var result = await ProcessRunner.RunAsync(pgDumpAll, args, Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (result.ExitCode == 0) return result.Stdout;
        if (!IsPermissionProblem(result.Stderr)) throw await ExplainDumpAllAsync(result, ct).ConfigureAwait(false);
        return Encoding.UTF8.GetBytes(
            $"-- Coffre: roles not dumped: user {settings.User} lacks the rights pg_dumpall --roles-only needs ({OneLine(result.Stderr)}).\n");
    }

    /// <summary>
    /// pg_dumpall says only "could not connect to database" (it tries several databases and drops libpq's reason),
    /// so a connection failure is asked again of psql, which names the cause (server down, password, no database).
    /// </summary>
    private async Task<SourceException> ExplainDumpAllAsync(ToolResult failed, CancellationToken ct)
    {
        var psql = Path.Combine(settings.BinDirectory, "psql");
        if (failed.Stderr.Contains("could not connect", StringComparison.Ordinal) && File.Exists(psql))
        {
            var probe = await ProcessRunner.RunAsync(psql,
                ["-X", "-q", "-A", "-t", .. Connection(), "-d", ConnInfo(settings.Database), "-c", "SELECT 1"], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
            if (probe.ExitCode != 0) return Explain("psql", probe.ExitCode, probe.Stderr);
        }
        return Explain("pg_dumpall", failed.ExitCode, failed.Stderr);
    }

    private static bool IsPermissionProblem(string stderr)
        => stderr.Contains("permission denied", StringComparison.Ordinal) || stderr.Contains("must be superuser", StringComparison.Ordinal);

    private string Tool(string name)
    {
        var path = Path.Combine(settings.BinDirectory, name);
        if (!File.Exists(path)) throw new SourceException($"{name} not found at {path}: install postgresql-client");
        return path;
    }

    /// <summary>Never prompts (-w): without the right password the tool fails at once.</summary>
    private string[] Connection()
        => ["-w", "-h", settings.Host, "-p", settings.Port.ToString(CultureInfo.InvariantCulture), "-U", settings.User];

    /// <summary>A database name as a connection string, so a name containing "=" is not taken for one.</summary>
    private static string ConnInfo(string database)
        => $"dbname='{database.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";

    /// <summary>
    /// What the tools keep from Coffre's environment besides the minimal set: libpq's own variables (PGSSLMODE,
    /// PGSERVICE...), an inherited PGPASSWORD or PGPASSFILE only when the configuration gives no password.
    /// </summary>
    private ChildEnvironment Inherited => settings.Password is null ? LibPq : LibPqWithoutPassword;

    private static readonly ChildEnvironment LibPq = new(["PG*"]);
    private static readonly ChildEnvironment LibPqWithoutPassword = new(["PG*"], except: ["PGPASSWORD", "PGPASSFILE"]);

    private List<KeyValuePair<string, string?>> Environment()
    {
        var env = new List<KeyValuePair<string, string?>>
        {
            new("PGCONNECT_TIMEOUT", "15"),
            new("PGCLIENTENCODING", "UTF8"),
            new("PGAPPNAME", "coffre"),
        };
        if (settings.Password is not null) env.Add(new("PGPASSWORD", settings.Password));
        return env;
    }

    /// <summary>One line naming the cause of a tool's failure, from its stderr.</summary>
    internal SourceException Explain(string tool, int exitCode, string stderr)
        => new(PostgreSqlErrors.Explain(tool, exitCode, stderr, settings));

    private static string OneLine(string stderr) => PostgreSqlErrors.FirstError(stderr) ?? "no detail";
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Coffre.Sources.MySql;

/// <summary>
/// A MySQL or MariaDB database, dumped as SQL by <c>mariadb-dump</c> (or <c>mysqldump</c>) streamed from the tool's
/// stdout and restored by the <c>mariadb</c> (or <c>mysql</c>) client reading stdin.
/// </summary>
public sealed partial class MySqlSource(MySqlSettings settings) : IDatabaseSource
{
    /// <summary>
    /// Exact row counts: one statement built from information_schema (a UNION ALL of COUNT(*) per base table) run
    /// inside a consistent-snapshot read-only transaction, so every count sees the same moment.
    /// </summary>
    private const string DescribeSql = """
        SELECT VERSION();
        START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY;
        SET SESSION group_concat_max_len = 1073741824;
        SELECT COALESCE(GROUP_CONCAT(CONCAT('SELECT ', QUOTE(table_name), ', COUNT(*) FROM `', REPLACE(table_name, '`', '``'), '`')
                                     ORDER BY table_name SEPARATOR ' UNION ALL '),
                        'SELECT NULL, NULL FROM DUAL WHERE FALSE')
          INTO @coffre_counts
          FROM information_schema.tables
         WHERE table_schema = DATABASE() AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED');
        PREPARE coffre_counts FROM @coffre_counts;
        EXECUTE coffre_counts;
        DEALLOCATE PREPARE coffre_counts;
        COMMIT;
        """;

    public string Name => settings.Name;
    public string Engine => "mysql";
    public string Extension => "sql";

    public MySqlSettings Settings => settings;

    /// <summary>
    /// Server version and exact row counts. The keys are plain table names, without the database name: a MySQL
    /// "schema" is the database itself, and a dump restored under another database name must compare equal.
    /// </summary>
    public async Task<DatabaseDescription> DescribeAsync(CancellationToken ct)
    {
        var client = Client();
        using var options = Options();
        var result = await ProcessRunner.RunAsync(client,
            [.. Leading(options), .. Connection(), ClientTimeout, "--batch", "--skip-column-names", $"--database={settings.Database}", "-e", DescribeSql],
            Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (result.ExitCode != 0) throw Explain(Path.GetFileName(client), result.ExitCode, result.Stderr, settings.Database);

        var lines = result.StdoutText.Split('\n');
        if (lines.Length < 1 || lines[0].Length == 0)
            throw new SourceException($"{Path.GetFileName(client)} returned an unexpected answer while describing database \"{settings.Database}\"");
        var rows = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var tab = line.LastIndexOf('\t');
            if (tab < 0) throw new SourceException($"unexpected row count line from {Path.GetFileName(client)}: {line}");
            rows[Unescape(line[..tab])] = long.Parse(line[(tab + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
        }
        return new DatabaseDescription(lines[0], rows);
    }

    /// <summary>
    /// <c>--single-transaction</c>: a consistent InnoDB snapshot without locking the application out.
    /// <c>--routines --triggers --events</c>: the code too. <c>--hex-blob</c>: binary columns as hex literals, so the
    /// SQL text survives any client character set. Not <c>--databases</c>: the dump then carries no
    /// <c>CREATE DATABASE</c>/<c>USE</c>, so it restores into whichever database the restore names (the same or
    /// another one). <c>--no-tablespaces</c>: MySQL 8 would otherwise need the PROCESS privilege. Each table is
    /// preceded by <c>DROP TABLE IF EXISTS</c> and each routine or event by its <c>DROP ... IF EXISTS</c>, so a
    /// restore over a damaged database brings every dumped object back.
    /// </summary>
    public async Task<DumpStream> StartDumpAsync(CancellationToken ct)
    {
        var (dump, isMariaDb) = await DumpToolAsync(ct).ConfigureAwait(false);
        var grants = await SaveGrantsAsync(ct).ConfigureAwait(false);
        var options = Options();
        try
        {
            string[] args =
            [
                .. Leading(options), .. Connection(),
                "--single-transaction", "--routines", "--triggers", "--events", "--hex-blob", "--no-tablespaces",
                "--default-character-set=utf8mb4",
                .. isMariaDb ? Array.Empty<string>() : ["--set-gtid-purged=OFF"], // Oracle's mysqldump only
                settings.Database,
            ];
            var tool = ProcessRunner.Start(dump, args, Environment(), inherit: Inherited);
            return new ProcessDumpStream(tool, (exit, stderr) => Explain(Path.GetFileName(dump), exit, stderr, settings.Database),
                new Dictionary<string, byte[]> { [GrantsFileName] = grants }, cleanup: options);
        }
        catch
        {
            options?.Dispose();
            throw;
        }
    }

    public async Task<bool> ExistsAsync(CancellationToken ct)
    {
        var client = Client();
        using var options = Options();
        var probe = await ProcessRunner.RunAsync(client,
            [.. Leading(options), .. Connection(), ClientTimeout, "--batch", $"--database={settings.Database}", "-e", "SELECT 1"], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (probe.ExitCode == 0) return true;
        if (probe.Stderr.Contains("ERROR 1049", StringComparison.Ordinal)) return false; // Unknown database
        throw Explain(Path.GetFileName(client), probe.ExitCode, probe.Stderr, settings.Database);
    }

    public async Task DropAsync(CancellationToken ct)
    {
        var client = Client();
        using var options = Options();
        var quoted = "`" + settings.Database.Replace("`", "``", StringComparison.Ordinal) + "`";
        var result = await ProcessRunner.RunAsync(client,
            [.. Leading(options), .. Connection(), ClientTimeout, "--batch", "-e", $"DROP DATABASE IF EXISTS {quoted}"], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (result.ExitCode != 0) throw Explain(Path.GetFileName(client), result.ExitCode, result.Stderr, settings.Database);
    }

    public async Task RestoreAsync(Stream dump, string? targetDatabase, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dump);
        var database = targetDatabase ?? settings.Database;
        var client = Client();
        var name = Path.GetFileName(client);
        using var options = Options();

        // Create the database unless it exists (and is visible to the user).
        var quoted = "`" + database.Replace("`", "``", StringComparison.Ordinal) + "`";
        var create = await ProcessRunner.RunAsync(client,
            [.. Leading(options), .. Connection(), ClientTimeout, "--batch", "--skip-column-names", "-e", $"CREATE DATABASE IF NOT EXISTS {quoted}"],
            Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (create.ExitCode != 0)
        {
            // A user without the CREATE privilege may still restore into a database that exists.
            var probe = await ProcessRunner.RunAsync(client,
                [.. Leading(options), .. Connection(), ClientTimeout, "--batch", $"--database={database}", "-e", "SELECT 1"], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
            if (probe.ExitCode != 0)
                throw new SourceException($"cannot create database \"{database}\": {Explain(name, create.ExitCode, create.Stderr, database).Message}");
        }

        if (!settings.AllowPrivilegedRestore) await RefusePrivilegedUserAsync(client, options, database, ct).ConfigureAwait(false);
        await EmptyAsync(client, options, database, quoted, ct).ConfigureAwait(false);

        // DEFINER clauses are dropped on the way (DefinerStrippingStream): objects belong to the restoring user, as with
        // pg_restore --no-owner. The client stops at the first failing statement (batch mode without --force) and exits 1.
        // The dump is untrusted input (an archive, a snapshot anyone with the repository key may have written): it must
        // not reach the client's own commands (\! and system run a shell, \. and source read files, tee writes one) nor
        // read local files (LOAD DATA LOCAL INFILE sends any file Coffre can read to the server). --binary-mode turns
        // off every client command but charset and delimiter for piped input (MySQL >= 5.6.3, every MariaDB),
        // --sandbox (MariaDB >= 10.5.25, 10.6.18, 10.11.8, 11.x) refuses them too, --local-infile=0 forbids LOCAL.
        var result = await ProcessRunner.RunAsync(client,
            [.. Leading(options), .. Connection(), ClientTimeout, "--batch", "--binary-mode", "--local-infile=0",
             .. await HasSandboxAsync(client, ct).ConfigureAwait(false) ? ["--sandbox"] : Array.Empty<string>(),
             "--default-character-set=utf8mb4", $"--database={database}"],
            Environment(), ct, stdin: new DefinerStrippingStream(dump), inherit: Inherited).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new SourceException($"restore into database \"{database}\" failed: {Explain(name, result.ExitCode, result.Stderr, database).Message}");
    }

    /// <summary>
    /// The SQL of a dump runs with the restoring user's privileges. With the global FILE privilege it can write and
    /// read files on the database server (<c>SELECT ... INTO OUTFILE/DUMPFILE</c>, <c>LOAD_FILE</c>, <c>LOAD DATA
    /// INFILE</c>), with SUPER change the server (<c>SET GLOBAL</c>, replication, logs): a restore refuses such a user
    /// before anything is changed, unless the configuration trusts the dumps (allowPrivilegedRestore).
    /// </summary>
    private async Task RefusePrivilegedUserAsync(string client, MySqlOptionFile? options, string database, CancellationToken ct)
    {
        const string sql = """
            SELECT COALESCE(GROUP_CONCAT(DISTINCT PRIVILEGE_TYPE ORDER BY PRIVILEGE_TYPE SEPARATOR ' and '), '-')
              FROM information_schema.USER_PRIVILEGES
             WHERE PRIVILEGE_TYPE IN ('FILE', 'SUPER')
               AND GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')
            """;
        var result = await ProcessRunner.RunAsync(client,
            [.. Leading(options), .. Connection(), ClientTimeout, "--batch", "--skip-column-names", "-e", sql], Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new SourceException($"cannot check the privileges of user {settings.User} before the restore: {Explain(Path.GetFileName(client), result.ExitCode, result.Stderr, database).Message}");
        var privileges = result.StdoutText.Trim();
        if (privileges is "-" or "") return;
        throw new SourceException(
            $"restore into database \"{database}\" refused: user {settings.User} has the global {privileges} privilege, and a dump restored "
            + "with it can write and read files on the database server or change the server itself. Restore as a user with rights on the "
            + $"application's database only, or set databases[].allowPrivilegedRestore to true for \"{settings.Name}\" if every dump that may "
            + "be restored is trusted");
    }

    /// <summary>
    /// Drops and recreates the database with its character set and collation, so that it ends up holding exactly
    /// what the dump holds (objects created after the backup do not survive). Grants on the database are kept by
    /// the server.
    /// </summary>
    private async Task EmptyAsync(string client, MySqlOptionFile? options, string database, string quoted, CancellationToken ct)
    {
        var literal = "'" + database.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";
        var charset = await ProcessRunner.RunAsync(client,
            [.. Leading(options), .. Connection(), ClientTimeout, "--batch", "--skip-column-names", "-e",
             $"SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = {literal}"],
            Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        var fields = charset.StdoutText.Trim().Split('\t');
        if (charset.ExitCode != 0 || fields.Length != 2)
            throw new SourceException($"cannot read the character set of database \"{database}\": {Explain(Path.GetFileName(client), charset.ExitCode, charset.Stderr, database).Message}");
        var recreate = await ProcessRunner.RunAsync(client,
            [.. Leading(options), .. Connection(), ClientTimeout, "--batch", "-e",
             $"DROP DATABASE {quoted}; CREATE DATABASE {quoted} CHARACTER SET {fields[0]} COLLATE {fields[1]}"],
            Environment(), ct, inherit: Inherited).ConfigureAwait(false);
        if (recreate.ExitCode != 0)
            throw new SourceException($"cannot empty database \"{database}\" before the restore (the user needs the DROP and CREATE privileges on it): {Explain(Path.GetFileName(client), recreate.ExitCode, recreate.Stderr, database).Message}");
    }

    private MySqlOptionFile? Options() => settings.Password is null ? null : MySqlOptionFile.Create(settings.Password);

    /// <summary>--defaults-extra-file must come first on the command line.</summary>
    private static string[] Leading(MySqlOptionFile? options) => options is null ? [] : [$"--defaults-extra-file={options.FilePath}"];

    private string[] Connection()
        => ["-h", settings.Host, "-P", settings.Port.ToString(CultureInfo.InvariantCulture), "-u", settings.User];

    /// <summary>The client gives up on an unreachable server after 15 s (mariadb-dump has no such option).</summary>
    private const string ClientTimeout = "--connect-timeout=15";

    /// <summary>
    /// What the tools keep from Coffre's environment besides the minimal set: the client's own MYSQL_* variables,
    /// an inherited MYSQL_PWD only when the configuration gives no password.
    /// </summary>
    private ChildEnvironment Inherited => settings.Password is null ? ClientVariables : ClientVariablesWithoutPassword;

    private static readonly ChildEnvironment ClientVariables = new(["MYSQL_*"]);
    private static readonly ChildEnvironment ClientVariablesWithoutPassword = new(["MYSQL_*"], except: ["MYSQL_PWD"]);

    private List<KeyValuePair<string, string?>> Environment()
        => settings.Password is null ? [] : [new("MYSQL_PWD", null)]; // the option file wins, nothing inherited competes

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> SandboxSupport = new(StringComparer.Ordinal);

    /// <summary>Whether the client knows <c>--sandbox</c> (MariaDB's; Oracle's mysql has none): its help lists it.</summary>
    private static async Task<bool> HasSandboxAsync(string client, CancellationToken ct)
    {
        if (SandboxSupport.TryGetValue(client, out var known)) return known;
        var help = await ProcessRunner.RunAsync(client, ["--no-defaults", "--help"], [], ct).ConfigureAwait(false);
        var has = help.ExitCode == 0 && help.StdoutText.Contains("--sandbox", StringComparison.Ordinal);
        SandboxSupport[client] = has;
        return has;
    }

    private string Client() => FindTool(["mariadb", "mysql"], "the mysql client", "mariadb-client or mysql-client");

    private async Task<(string Path, bool IsMariaDb)> DumpToolAsync(CancellationToken ct)
    {
        var path = FindTool(["mariadb-dump", "mysqldump"], "mysqldump", "mariadb-client or mysql-client");
        if (Path.GetFileName(path) == "mariadb-dump") return (path, true);
        var version = await ProcessRunner.RunAsync(path, ["--version"], [], ct).ConfigureAwait(false);
        return (path, version.StdoutText.Contains("MariaDB", StringComparison.OrdinalIgnoreCase));
    }

    private string FindTool(string[] names, string what, string package)
    {
        foreach (var name in names)
        {
            var path = Path.Combine(settings.BinDirectory, name);
            if (File.Exists(path)) return path;
        }
        throw new SourceException($"{what} not found in {settings.BinDirectory} (looked for {string.Join(" and ", names)}): install {package}");
    }

    /// <summary>One line naming the cause of a tool's failure, from its stderr.</summary>
    internal SourceException Explain(string tool, int exitCode, string stderr, string database)
    {
        var server = $"MySQL at {settings.Host}:{settings.Port}";
        if (exitCode == 0) return new($"{tool} produced no output for database \"{database}\"");
        if (stderr.Contains("Can't connect to", StringComparison.Ordinal))
            return new($"{server} refused the connection or cannot be reached (is the server running?)");
        if (stderr.Contains("Unknown server host", StringComparison.Ordinal) || stderr.Contains("Unknown MySQL server host", StringComparison.Ordinal))
            return new($"unknown MySQL host {settings.Host}");
        var denied = AccessDenied().Match(stderr);
        if (denied.Success && stderr.Contains("using password", StringComparison.Ordinal))
            return new(settings.Password is null
                ? $"access denied for user {denied.Groups["user"].Value} on {server} (no password was given)"
                : $"access denied for user {denied.Groups["user"].Value} on {server}: wrong password?");
        var unknown = UnknownDatabase().Match(stderr);
        if (unknown.Success) return new($"database \"{unknown.Groups["db"].Value}\" does not exist");
        var deniedDb = AccessDeniedToDatabase().Match(stderr);
        if (deniedDb.Success)
            return new($"database \"{deniedDb.Groups["db"].Value}\" does not exist or user {deniedDb.Groups["user"].Value} has no rights on it");

        var command = ClientCommand().Match(stderr);
        if (command.Success)
            return new($"the dump holds a {tool} client command at line {command.Groups["line"].Value}, not SQL "
                + $"({command.Groups["what"].Value.TrimEnd('.')}): Coffre never runs those (they can start programs or read files); the dump was not made by mariadb-dump/mysqldump or was altered");
        var lines = stderr.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("Warning", StringComparison.Ordinal)).ToList();
        var first = lines.FirstOrDefault(l => l.Contains("ERROR", StringComparison.Ordinal) || l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? lines.FirstOrDefault();
        return new(first is null ? $"{tool} failed with exit code {exitCode}" : $"{tool} failed: {first}");
    }

    /// <summary>Undoes the --batch escaping of a value (\t, \n, \\, \0).</summary>
    private static string Unescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal)) return s;
        var b = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 == s.Length) { b.Append(s[i]); continue; }
            var c = s[++i];
            b.Append(c switch { 't' => '\t', 'n' => '\n', '0' => '\0', _ => c });
        }
        return b.ToString();
    }

    [GeneratedRegex("Access denied for user '(?<user>[^']*)'@'[^']*' \\(using password")]
    private static partial Regex AccessDenied();

    [GeneratedRegex("Access denied for user '(?<user>[^']*)'@'[^']*' to database '(?<db>[^']*)'")]
    private static partial Regex AccessDeniedToDatabase();

    /// <summary>What the client says of a client command in binary mode (<c>Unknown command '\!'.</c>) or in the sandbox.</summary>
    [GeneratedRegex(@"ERROR at line (?<line>\d+): (?<what>Unknown command '\\.'\.?|Not allowed in the sandbox mode)")]
    private static partial Regex ClientCommand();

    [GeneratedRegex("Unknown database '(?<db>[^']*)'")]
    private static partial Regex UnknownDatabase();
}

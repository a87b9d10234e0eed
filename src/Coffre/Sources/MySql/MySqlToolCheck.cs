using System.Globalization;
using System.Text.RegularExpressions;
namespace Coffre.Sources.MySql;

/// <summary>
/// Whether the MySQL/MariaDB dump tool suits the server: Oracle's mysqldump 8 cannot dump a MariaDB server (it asks
/// for <c>information_schema.COLUMN_STATISTICS</c>, which MariaDB lacks: every backup fails); a dump tool older than
/// the server (same kind) may miss what the newer server has. Asks the server's version with one client query.
/// </summary>
internal static partial class MySqlToolCheck
{
    public static async Task<IReadOnlyList<ToolProblem>> CheckAsync(IDatabaseSettings db, Func<string?> password, CancellationToken ct)
    {
        var name = db.Name ?? db.Database ?? "?";
        var bin = db.BinDirectory ?? ServerEngine.DefaultBinDirectory;
        var dump = new[] { "mariadb-dump", "mysqldump" }.Select(t => Path.Combine(bin, t)).FirstOrDefault(File.Exists);
        var client = new[] { "mariadb", "mysql" }.Select(t => Path.Combine(bin, t)).FirstOrDefault(File.Exists);
        if (dump is null) return []; // the engine's own check says it is missing
        if (client is null)
            return [new ToolProblem("database-tool-missing", $"database {name}: neither mariadb nor mysql is in {bin}: restores of it fail",
                "install mariadb-client (or mysql-client), or set its binDirectory in the configuration", Failing: true)];
        ToolVersion? tool;
        ToolVersion? server;
        try
        {
            var version = await ProcessRunner.RunAsync(dump, ["--version"], [], ct).ConfigureAwait(false);
            tool = ToolVersion.Parse(version.StdoutText);
            server = ToolVersion.Parse(await ServerVersionAsync(db, client, password(), ct).ConfigureAwait(false));
        }
        catch (SourceException e)
        {
            return [new ToolProblem("database-unreachable", $"database {name}: its server's version cannot be read: {e.Message}",
                "check the server, the host, the user and the password of this database in the configuration", Failing: false)];
        }
        if (tool is not { } t || server is not { } s) return [];
        var dumpName = Path.GetFileName(dump);
        if (!t.MariaDb && t.Major >= 8 && s.MariaDb)
            return [new ToolProblem("database-tool-incompatible",
                $"database {name}: {dumpName} {t} (in {bin}) is MySQL's, the server is MariaDB {s}: it cannot dump it (COLUMN_STATISTICS)",
                "install mariadb-client (mariadb-dump), or set binDirectory to where MariaDB's tools are", Failing: true)];
        if (t.MariaDb == s.MariaDb && t.CompareTo(s) < 0)
            return [new ToolProblem("database-tool-old",
                $"database {name}: {dumpName} {t} (in {bin}) is older than the server ({(s.MariaDb ? "MariaDB" : "MySQL")} {s}): the dump may miss what the newer server has",
                $"install the {(s.MariaDb ? "MariaDB" : "MySQL")} {s.Major}.{s.Minor} client tools, or set binDirectory to them", Failing: false)];
        return [];
    }

    private static async Task<string> ServerVersionAsync(IDatabaseSettings db, string client, string? password, CancellationToken ct)
    {
        using var options = password is null ? null : MySqlOptionFile.Create(password);
        string[] leading = options is null ? [] : [$"--defaults-extra-file={options.FilePath}"];
        var result = await ProcessRunner.RunAsync(client,
            [.. leading, "-h", db.Host ?? ServerEngine.DefaultHost, "-P", (db.Port ?? 3306).ToString(CultureInfo.InvariantCulture), "-u", db.User ?? "root",
             "--connect-timeout=10", "--batch", "--skip-column-names", "-e", "SELECT VERSION()"],
            password is null ? [] : [new("MYSQL_PWD", null)], ct,
            inherit: new ChildEnvironment(["MYSQL_*"], password is null ? null : ["MYSQL_PWD"])).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            var line = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            throw new SourceException(line ?? $"{Path.GetFileName(client)} exited with code {result.ExitCode}");
        }
        return result.StdoutText.Trim();
    }

    /// <summary>A version of MySQL or MariaDB, from a server's <c>VERSION()</c> or a tool's <c>--version</c>.</summary>
    internal readonly partial record struct ToolVersion(bool MariaDb, int Major, int Minor, int Patch) : IComparable<ToolVersion>
    {
        /// <summary>
        /// "10.11.6-MariaDB-0+deb12u1", "8.0.36", "mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, for …",
        /// "mariadb-dump from 11.4.2-MariaDB, client 10.19 …", "mysqldump  Ver 8.0.36 for Linux on x86_64 (MySQL …)".
        /// </summary>
        public static ToolVersion? Parse(string text)
        {
            if (MariaDbVersion().Match(text) is { Success: true } m) return From(true, m);
            if (text.Contains("MariaDB", StringComparison.OrdinalIgnoreCase)) return null;
            if (ToolMySqlVersion().Match(text) is { Success: true } t) return From(false, t);
            return ServerMySqlVersion().Match(text.Trim()) is { Success: true } s ? From(false, s) : null;
        }

        private static ToolVersion From(bool mariaDb, Match m) => new(mariaDb,
            int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));

        public int CompareTo(ToolVersion other) => (Major, Minor).CompareTo((other.Major, other.Minor));

        public override string ToString() => $"{Major}.{Minor}.{Patch}";

        [GeneratedRegex(@"(\d+)\.(\d+)\.(\d+)-MariaDB")]
        private static partial Regex MariaDbVersion();

        [GeneratedRegex(@"\bVer (\d+)\.(\d+)\.(\d+)")]
        private static partial Regex ToolMySqlVersion();

        [GeneratedRegex(@"^(\d+)\.(\d+)\.(\d+)")]
        private static partial Regex ServerMySqlVersion();
    }
}

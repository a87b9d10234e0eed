using System.Globalization;
using System.Text.RegularExpressions;
using Coffre.Configuration;
using Coffre.Jobs;
using Coffre.Sources;

namespace Coffre.Health;

/// <summary>
/// Whether each database server of the configuration can be dumped: the dump tool is there, and (PostgreSQL) not
/// older than the server, which pg_dump refuses ("server version mismatch"). Runs the tools (<c>--version</c>, one
/// <c>psql</c> query): hosts that ask often remember the result for a while.
/// </summary>
public static partial class DatabaseToolProbe
{
    public static async Task<IReadOnlyList<HealthFinding>> ProbeAsync(CoffreConfig config, IDictionary<string, string?>? environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        var findings = new List<HealthFinding>();
        foreach (var db in config.Databases)
        {
            var bin = db.BinDirectory ?? SourceFactory.DefaultBinDirectory;
            var name = db.Name ?? db.Database ?? "?";
            if (db.Engine == DatabaseEngines.PostgreSql) findings.AddRange(await PostgreSqlAsync(db, name, bin, environment, ct).ConfigureAwait(false));
            else if (db.Engine == DatabaseEngines.MySql && !File.Exists(Path.Combine(bin, "mariadb-dump")) && !File.Exists(Path.Combine(bin, "mysqldump")))
                findings.Add(HealthFinding.Failing("database-tool-missing", $"database {name}: neither mariadb-dump nor mysqldump is in {bin}: backups of it fail",
                    "install mariadb-client (or mysql-client), or set its binDirectory in the configuration"));
        }
        return findings;
    }

    private static async Task<IReadOnlyList<HealthFinding>> PostgreSqlAsync(DatabaseSection db, string name, string bin, IDictionary<string, string?>? environment, CancellationToken ct)
    {
        var pgDump = Path.Combine(bin, "pg_dump");
        var psql = Path.Combine(bin, "psql");
        foreach (var tool in new[] { pgDump, psql })
            if (!File.Exists(tool))
                return [HealthFinding.Failing("database-tool-missing", $"database {name}: {Path.GetFileName(tool)} is not in {bin}: backups of it fail",
                    "install postgresql-client (the server's major version or newer), or set its binDirectory in the configuration")];
        int? client, server;
        try
        {
            var version = await ProcessRunner.RunAsync(pgDump, ["--version"], [], ct).ConfigureAwait(false);
            client = Major(version.StdoutText);
            server = await ServerMajorAsync(db, psql, environment, ct).ConfigureAwait(false);
        }
        catch (SourceException e)
        {
            return [HealthFinding.Attention("database-unreachable", $"database {name}: its server's version cannot be read: {e.Message}", "check the server, the host, the user and the password of this database in the configuration")];
        }
        if (client is { } c && server is { } s && c < s)
            return [HealthFinding.Failing("database-tool-old", $"database {name}: pg_dump {c} (in {bin}) is older than the server (PostgreSQL {s}): it refuses to dump it",
                $"install postgresql-client-{s} and set binDirectory to /usr/lib/postgresql/{s}/bin")];
        return [];
    }

    /// <summary>The server's major version (<c>server_version_num</c> / 10000); throws <see cref="SourceException"/> when the server cannot be asked.</summary>
    private static async Task<int?> ServerMajorAsync(DatabaseSection db, string psql, IDictionary<string, string?>? environment, CancellationToken ct)
    {
        var env = new List<KeyValuePair<string, string?>> { new("PGCONNECT_TIMEOUT", "10"), new("PGAPPNAME", "coffre doctor") };
        byte[]? password;
        try { password = PasswordSource.Resolve(db, environment); }
        catch (CoffreException e) { throw new SourceException(e.Message); }
        if (password is not null) env.Add(new("PGPASSWORD", System.Text.Encoding.UTF8.GetString(password)));
        var database = $"dbname='{(db.Database ?? "postgres").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";
        var result = await ProcessRunner.RunAsync(psql,
            ["-X", "-q", "-A", "-t", "-w", "-h", db.Host ?? "127.0.0.1", "-p", (db.Port ?? 5432).ToString(CultureInfo.InvariantCulture), "-U", db.User ?? "postgres",
             "-d", database, "-c", "SHOW server_version_num"], env, ct, inherit: new ChildEnvironment(["PG*"], password is null ? null : ["PGPASSWORD", "PGPASSFILE"])).ConfigureAwait(false);
        if (result.ExitCode != 0) throw new SourceException(Sources.PostgreSql.PostgreSqlErrors.FirstError(result.Stderr) ?? $"psql exited with code {result.ExitCode}");
        return int.TryParse(result.StdoutText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var num) ? num / 10000 : null;
    }

    /// <summary>"pg_dump (PostgreSQL) 15.4 (Debian 15.4-1)" → 15; "9.6.24" → 9.</summary>
    internal static int? Major(string versionLine) =>
        VersionNumber().Match(versionLine) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"\)\s*(\d+)(?:\.\d+)?")]
    private static partial Regex VersionNumber();
}

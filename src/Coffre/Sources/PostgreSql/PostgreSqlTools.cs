using System.Globalization;
using System.Text.RegularExpressions;

namespace Coffre.Sources.PostgreSql;

/// <summary>
/// Whether PostgreSQL's client tools can dump a server: pg_dump and psql are there, and pg_dump is not older than the
/// server, which it refuses ("server version mismatch"). Asks the server's version with one psql query.
/// </summary>
internal static partial class PostgreSqlTools
{
    public static async Task<IReadOnlyList<ToolProblem>> CheckAsync(IDatabaseSettings db, string bin, Func<string?> password, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var name = db.Name ?? db.Database ?? "?";
        var pgDump = System.IO.Path.Combine(bin, "pg_dump");
        var psql = System.IO.Path.Combine(bin, "psql");
        foreach (var tool in new[] { pgDump, psql })
            if (!File.Exists(tool))
                return [new ToolProblem("database-tool-missing", $"database {name}: {System.IO.Path.GetFileName(tool)} is not in {bin}: backups of it fail",
                    "install postgresql-client (the server's major version or newer), or set its binDirectory in the configuration", Failing: true)];
        int? client, server;
        try
        {
            var version = await ProcessRunner.RunAsync(pgDump, ["--version"], [], ct).ConfigureAwait(false);
            client = Major(version.StdoutText);
            server = await ServerMajorAsync(db, psql, password, ct).ConfigureAwait(false);
        }
        catch (SourceException e)
        {
            return [new ToolProblem("database-unreachable", $"database {name}: its server's version cannot be read: {e.Message}",
                "check the server, the host, the user and the password of this database in the configuration", Failing: false)];
        }
        if (client is { } c && server is { } s && c < s)
            return [new ToolProblem("database-tool-old", $"database {name}: pg_dump {c} (in {bin}) is older than the server (PostgreSQL {s}): it refuses to dump it",
                $"install postgresql-client-{s} and set binDirectory to /usr/lib/postgresql/{s}/bin", Failing: true)];
        return [];
    }

    /// <summary>The server's major version (<c>server_version_num</c> / 10000); throws <see cref="SourceException"/> when the server cannot be asked.</summary>
    private static async Task<int?> ServerMajorAsync(IDatabaseSettings db, string psql, Func<string?> password, CancellationToken ct)
    {
        var env = new List<KeyValuePair<string, string?>> { new("PGCONNECT_TIMEOUT", "10"), new("PGAPPNAME", "coffre doctor") };
        var secret = password();
        if (secret is not null) env.Add(new("PGPASSWORD", secret));
        var database = $"dbname='{(db.Database ?? "postgres").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";
        var result = await ProcessRunner.RunAsync(psql,
            ["-X", "-q", "-A", "-t", "-w", "-h", db.Host ?? ServerEngine.DefaultHost, "-p", (db.Port ?? 5432).ToString(CultureInfo.InvariantCulture), "-U", db.User ?? "postgres",
             "-d", database, "-c", "SHOW server_version_num"], env, ct, inherit: new ChildEnvironment(["PG*"], secret is null ? null : ["PGPASSWORD", "PGPASSFILE"])).ConfigureAwait(false);
        if (result.ExitCode != 0) throw new SourceException(PostgreSqlErrors.FirstError(result.Stderr) ?? $"psql exited with code {result.ExitCode}");
        return int.TryParse(result.StdoutText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var num) ? num / 10000 : null;
    }

    /// <summary>"pg_dump (PostgreSQL) 15.4 (Debian 15.4-1)" → 15; "9.6.24" → 9.</summary>
    internal static int? Major(string versionLine) =>
        VersionNumber().Match(versionLine) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"\)\s*(\d+)(?:\.\d+)?")]
    private static partial Regex VersionNumber();
}

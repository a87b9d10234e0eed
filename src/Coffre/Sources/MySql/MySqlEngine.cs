using System.Text;

namespace Coffre.Sources.MySql;

/// <summary>
/// MySQL and MariaDB: <c>mysql</c>, port 3306, dumped by mariadb-dump/mysqldump as SQL text (<c>.sql</c>), recognised
/// by the dump tools' header lines.
/// </summary>
public sealed class MySqlEngine : ServerEngine
{
    private static readonly string[] DumpMarkers = ["-- MySQL dump", "-- MariaDB dump", "/*M!999999", "/*!40101 SET", "/*!40014 SET"];

    public override string Name => "mysql";
    public override string DisplayName => "MySQL/MariaDB";
    public override string Extension => "sql";
    public override int DefaultServerPort => 3306;

    /// <summary>The user's grants (<c>SHOW GRANTS</c>, passwords left out), <see cref="MySqlSource.GrantsFileName"/>.</summary>
    public override IReadOnlyList<string> ExtraFileSuffixes => ["grants.sql"];

    public override string? RecogniseDump(ReadOnlySpan<byte> head)
    {
        if (head.Contains((byte)0)) return null;
        var text = Encoding.UTF8.GetString(head);
        return DumpMarkers.Any(m => text.Contains(m, StringComparison.Ordinal)) ? Extension : null;
    }

    public override IDatabaseSource CreateSource(IDatabaseSettings db, string? password, string? repositoryStagingFolder)
    {
        ArgumentNullException.ThrowIfNull(db);
        return new MySqlSource(new MySqlSettings(db.Name!, HostOf(db), PortOf(db), db.Database!, db.User!, password, BinDirectoryOf(db))
        {
            AllowPrivilegedRestore = db.AllowPrivilegedRestore ?? false,
        });
    }

    public override async Task<IReadOnlyList<ToolProblem>> CheckToolsAsync(IDatabaseSettings db, Func<string?> password, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var bin = BinDirectoryOf(db);
        // Present: then matched against the server (MySQL's dump tool cannot dump MariaDB; an older one may miss things).
        if (File.Exists(System.IO.Path.Combine(bin, "mariadb-dump")) || File.Exists(System.IO.Path.Combine(bin, "mysqldump")))
            return await MySqlToolCheck.CheckAsync(db, password, ct).ConfigureAwait(false);
        return [new ToolProblem("database-tool-missing",
            $"database {db.Name ?? db.Database ?? "?"}: neither mariadb-dump nor mysqldump is in {bin}: backups of it fail",
            "install mariadb-client (or mysql-client), or set its binDirectory in the configuration", Failing: true)];
    }
}

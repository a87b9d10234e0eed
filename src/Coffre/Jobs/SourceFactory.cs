using Coffre.Configuration;
using Coffre.Sources;
using Coffre.Sources.MySql;
using Coffre.Sources.PostgreSql;
using Coffre.Sources.Sqlite;

namespace Coffre.Jobs;

/// <summary>The one place where database engines are registered: a configuration section becomes a source.</summary>
public static class SourceFactory
{
    /// <param name="repositoryStagingFolder">
    /// A local repository's <c>data/</c> folder, or null. SQLite dumps are never staged there (a plaintext copy of a
    /// database does not belong in the repository) but older versions did: their leftovers (<c>.coffre-sqlite-*</c>,
    /// from a crashed run) are removed. Dumps are staged in a private folder under <c>$TMPDIR</c>.
    /// </param>
    public static IDatabaseSource Create(DatabaseSection db, string? repositoryStagingFolder, IDictionary<string, string?>? environment = null)
    {
        var name = db.Name ?? throw new CoffreException("a database in the configuration has no name");
        return db.Engine switch
        {
            DatabaseEngines.PostgreSql => new PostgreSqlSource(new PostgreSqlSettings(name, db.Host ?? "127.0.0.1",
                db.Port ?? 5432, db.Database!, db.User!, Password(db, environment), db.BinDirectory ?? DefaultBinDirectory)
            {
                AllowPrivilegedRestore = db.AllowPrivilegedRestore ?? false,
            }),
            DatabaseEngines.MySql => new MySqlSource(new MySqlSettings(name, db.Host ?? "127.0.0.1",
                db.Port ?? 3306, db.Database!, db.User!, Password(db, environment), db.BinDirectory ?? DefaultBinDirectory)
            {
                AllowPrivilegedRestore = db.AllowPrivilegedRestore ?? false,
            }),
            DatabaseEngines.Sqlite => Sqlite(name, db.Path!, repositoryStagingFolder),
            _ => throw new CoffreException($"database {name}: unknown engine \"{db.Engine}\" (use postgresql, mysql or sqlite)"),
        };
    }

    /// <summary>Where the database client tools are when the configuration does not say (databases[].binDirectory).</summary>
    public const string DefaultBinDirectory = "/usr/bin";

    private static SqliteSource Sqlite(string name, string path, string? repositoryStagingFolder)
    {
        if (repositoryStagingFolder is not null) SqliteStaging.RemoveLegacyLeftovers(repositoryStagingFolder);
        return new SqliteSource(name, path);
    }

    private static string? Password(DatabaseSection db, IDictionary<string, string?>? environment) =>
        PasswordSource.Resolve(db, environment) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;
}

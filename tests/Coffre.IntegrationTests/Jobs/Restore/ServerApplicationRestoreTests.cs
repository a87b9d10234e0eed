using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;
using static Coffre.IntegrationTests.Sources.TestServers;

namespace Coffre.IntegrationTests.Jobs.Restore;

/// <summary>
/// `coffre backup`, a bad day, `coffre restore --force` with PostgreSQL 15 and MariaDB holding awkward data (bytea and
/// BLOBs with every byte, a large object, enums, schemas, sequences, views, functions, triggers, events, 100k+ rows):
/// the database equals the original (per-table checksums and code objects), row counts verified against
/// metadata.json; `--to-database` restores into a new database and leaves the damaged one alone.
/// </summary>
[Collection(DatabaseSourcesCollection.Name)]
public class ServerApplicationRestoreTests
{
    private static string Config(string engine, string host, int port, string db, string user) => $$"""
        { "application": "boutique",
          "repository": { "path": "repo", "passwordEnv": "COFFRE_PASSWORD" },
          "databases": [ { "name": "main", "engine": "{{engine}}", "host": "{{host}}", "port": {{port}},
                           "database": "{{db}}", "user": "{{user}}", "passwordEnv": "APP_DB_PASSWORD" } ],
          "media": [ { "path": "media" } ] }
        """;

    [PostgreSqlFact]
    public void PostgreSql_application_comes_back_in_place_and_into_a_new_database()
    {
        var db = NewDatabaseName();
        var other = NewDatabaseName();
        CreatePgDatabase(db);
        try
        {
            Psql(db, PostgreSqlSourceTests.Setup);
            RoundTrip(Config("postgresql", Pg("HOST"), PgPort, db, Pg("USER")), Pg("PASSWORD"), db, other,
                d => Psql(d, PostgreSqlSourceTests.FingerprintQuery).StdOut, d => Psql(d, PostgreSqlSourceTests.Damage));
        }
        finally
        {
            DropPgDatabase(db);
            DropPgDatabase(other);
        }
    }

    [MySqlFact]
    public void MariaDb_application_comes_back_in_place_and_into_a_new_database()
    {
        var db = NewDatabaseName();
        var other = NewDatabaseName();
        Mariadb(null, $"CREATE DATABASE `{db}` CHARACTER SET utf8mb4");
        try
        {
            Mariadb(db, MySqlSourceTests.Setup);
            RoundTrip(Config("mysql", My("HOST"), MyPort, db, My("USER")), My("PASSWORD"), db, other,
                d => Mariadb(d, MySqlSourceTests.FingerprintQuery).StdOut, d => Mariadb(d, MySqlSourceTests.Damage));
        }
        finally
        {
            DropMyDatabase(db);
            DropMyDatabase(other);
        }
    }

    private static void RoundTrip(string config, string password, string db, string other, Func<string, string> query, Action<string> damage)
    {
        // The damaged database misses tables the fingerprint reads: its error text is its fingerprint then.
        string fingerprint(string d)
        {
            try { return query(d); }
            catch (Xunit.Sdk.XunitException e) { return "broken: " + e.Message.Replace(d, "DB", StringComparison.Ordinal); }
        }

        using var dir = new TestDirectory("server-restore");
        var app = dir.CreateSub("app");
        Directory.CreateDirectory(Path.Combine(app, "media", "avatars"));
        File.WriteAllText(Path.Combine(app, "media", "avatars", "1.png"), "png");
        File.WriteAllText(Path.Combine(app, "coffre.json"), config);
        var coffre = new CoffreRunner(null) { WorkingDirectory = app };
        coffre.Environment["APP_DB_PASSWORD"] = password;
        coffre.Ok("init");
        coffre.Ok("backup");
        var original = fingerprint(db);

        damage(db);
        File.Delete(Path.Combine(app, "media", "avatars", "1.png"));
        var damaged = fingerprint(db);
        Assert.NotEqual(original, damaged);

        // Into a new database: created, equal to the original; the damaged one is left as it is.
        var copy = coffre.Json("restore", "latest", "--only", "database", "--to-database", other);
        Assert.Null(copy.GetProperty("safety_snapshot_id").GetString());
        Assert.Equal(original, fingerprint(other));
        Assert.Equal(damaged, fingerprint(db));

        // In place: the plan says the database is replaced; afterwards it equals the original, row counts checked.
        var plan = coffre.Run("restore", "latest");
        Assert.Equal(1, plan.ExitCode);
        Assert.Contains("REPLACES what it holds now", plan.StdOut);
        var result = coffre.Json("restore", "latest", "--force");
        Assert.Equal(original, fingerprint(db));
        Assert.Equal("png", File.ReadAllText(Path.Combine(app, "media", "avatars", "1.png")));
        var database = result.GetProperty("databases")[0];
        Assert.Empty(database.GetProperty("mismatches").EnumerateArray());
        Assert.True(database.GetProperty("rows").GetInt64() > 100_000);

        // The safety snapshot holds the damaged database: restoring it brings the damage back.
        var safety = result.GetProperty("safety_snapshot_id").GetString()!;
        coffre.Ok("restore", safety[..8], "--force", "--only", "database");
        Assert.Equal(damaged, fingerprint(db));
        new ResticRunner(Path.Combine(app, "repo")).AssertCheckReadData();
    }
}

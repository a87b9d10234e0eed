using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;

namespace Coffre.IntegrationTests.Jobs;

/// <summary>
/// `coffre backup` of an application whose database is PostgreSQL: the dump and the roles land in the snapshot
/// and metadata.json has the row counts; a dump that fails (wrong password) fails the run and writes no snapshot.
/// </summary>
[Collection(DatabaseSourcesCollection.Name)]
public class PostgreSqlApplicationBackupTests
{
    private static string Config(string db, string passwordEnv) => $$"""
        { "application": "boutique",
          "repository": { "path": "repo", "passwordEnv": "COFFRE_PASSWORD" },
          "databases": [ { "name": "main", "engine": "postgresql", "host": "{{TestServers.Pg("HOST")}}", "port": {{TestServers.PgPort}},
                           "database": "{{db}}", "user": "{{TestServers.Pg("USER")}}", "passwordEnv": "{{passwordEnv}}" } ],
          "media": [ { "path": "media" } ] }
        """;

    [PostgreSqlFact]
    public void Database_and_media_in_one_snapshot_and_a_failing_dump_leaves_none()
    {
        var db = TestServers.NewDatabaseName();
        TestServers.CreatePgDatabase(db);
        try
        {
            TestServers.Psql(db, "CREATE TABLE clients(id serial primary key, nom text); INSERT INTO clients(nom) SELECT 'client ' || g FROM generate_series(1, 1234) g;");
            using var dir = new TestDirectory("pgapp");
            var app = dir.CreateSub("app");
            Directory.CreateDirectory(Path.Combine(app, "media"));
            File.WriteAllText(Path.Combine(app, "media", "logo.svg"), "<svg/>");
            File.WriteAllText(Path.Combine(app, "coffre.json"), Config(db, "APP_DB_PASSWORD"));
            var coffre = new CoffreRunner(null) { WorkingDirectory = app };
            coffre.Environment["APP_DB_PASSWORD"] = TestServers.Pg("PASSWORD");
            coffre.Ok("init");
            var summary = coffre.Json("backup");
            Assert.Equal("complete", summary.GetProperty("status").GetString());

            var restic = new ResticRunner(Path.Combine(app, "repo"));
            restic.AssertCheckReadData();
            restic.Ok("restore", "latest", "--target", dir.Sub("out"));
            Assert.StartsWith("PGDMP", File.ReadAllText(dir.Sub("out/database/main.pgdump"))[..5]);
            Assert.True(File.Exists(dir.Sub("out/database/main.roles.sql")));
            using (var meta = JsonDocument.Parse(File.ReadAllText(dir.Sub("out/metadata.json"))))
            {
                var database = meta.RootElement.GetProperty("databases")[0];
                Assert.Equal("postgresql", database.GetProperty("engine").GetString());
                Assert.Equal(1234, database.GetProperty("tables").GetProperty("public.clients").GetInt64());
            }

            // Wrong database password: the run fails with a message naming the cause, and no new snapshot appears.
            coffre.Environment["APP_DB_PASSWORD"] = "wrong password";
            var failed = coffre.Run("backup");
            Assert.Equal(1, failed.ExitCode);
            Assert.Contains("password authentication failed", failed.StdErr);
            Assert.Single(restic.Snapshots());
            restic.AssertCheckReadData();
        }
        finally
        {
            TestServers.DropPgDatabase(db);
        }
    }
}

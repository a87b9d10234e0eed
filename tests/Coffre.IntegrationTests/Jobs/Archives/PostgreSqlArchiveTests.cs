using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;

namespace Coffre.IntegrationTests.Jobs.Archives;

/// <summary>
/// The old script's real archive: a pg_dump custom-format file named <c>database_&lt;db&gt;.sql</c>. Imported, it is
/// recognised by its content (PGDMP) and stored as <c>database/&lt;configured name&gt;.pgdump</c>; exported again,
/// it comes out under the old name's shape, byte for byte, and pg_restore reads it.
/// </summary>
[Collection(DatabaseSourcesCollection.Name)]
public class PostgreSqlArchiveTests
{
    [PostgreSqlFact]
    public void A_pg_dump_named_sql_is_imported_as_the_configured_database()
    {
        var db = TestServers.NewDatabaseName();
        TestServers.CreatePgDatabase(db);
        try
        {
            TestServers.Psql(db, "CREATE TABLE inscriptions(id serial primary key, eleve text); INSERT INTO inscriptions(eleve) SELECT 'élève ' || g FROM generate_series(1, 250) g;");
            using var app = new ArchiveApp("import-pg");
            ArchiveApp.WriteConfig(app.Root, "repo", $$"""
                [ { "name": "main", "engine": "postgresql", "host": "{{TestServers.Pg("HOST")}}", "port": {{TestServers.PgPort}},
                    "database": "{{db}}", "user": "{{TestServers.Pg("USER")}}", "passwordEnv": "APP_DB_PASSWORD" } ]
                """);
            app.Coffre.Ok("init");

            var old = app.CreateSub("old");
            var dump = Path.Combine(old, $"database_{db}.sql");
            var pgDump = ProcessRunner.Run(Path.Combine(TestServers.Env("COFFRE_TEST_PG_BIN") ?? "/usr/bin", "pg_dump"),
                ["-h", TestServers.Pg("HOST"), "-p", TestServers.Pg("PORT"), "-U", TestServers.Pg("USER"), "-Fc", "-f", dump, db],
                new Dictionary<string, string?> { ["PGPASSWORD"] = TestServers.Pg("PASSWORD") });
            Assert.True(pgDump.ExitCode == 0, pgDump.Describe());
            Directory.CreateDirectory(Path.Combine(old, "media", "profiles"));
            File.WriteAllText(Path.Combine(old, "media", "profiles", "photo.jpg"), "jpeg\n");
            var archive = app.Sub($"backup_complet_{db}_20260129_093829.tar.gz");
            ArchiveApp.Tar(old, "-czf", archive, Path.GetFileName(dump), "media");
            ArchiveApp.WriteScriptSidecar(archive, "20260129_093829", "2026-01-29T09:38:33.420423", db);

            var id = app.Coffre.Json("import", archive).GetProperty("snapshot_id").GetString()!;
            var database = app.Coffre.Json("list")[0].GetProperty("metadata").GetProperty("databases")[0];
            Assert.Equal("postgresql", database.GetProperty("engine").GetString());
            Assert.Equal("database/main.pgdump", database.GetProperty("file").GetString());

            var restic = new ResticRunner(app.Repository);
            restic.AssertCheckReadData();
            restic.Ok("restore", id, "--target", app.Sub("out"));
            Assert.Equal(File.ReadAllBytes(dump), File.ReadAllBytes(app.Sub("out/database/main.pgdump")));
            Assert.Equal("jpeg\n", File.ReadAllText(app.Sub("out/media/uploads/profiles/photo.jpg")));

            // Exported again: database_main.pgdump, the same bytes, and the sidecar names the database on its server.
            var again = app.Sub("again.tar.gz");
            app.Coffre.Ok("export", "20260129_093829", again);
            Assert.Equal(db, ArchiveApp.ReadJson(again + ".json").GetProperty("database").GetString());
            var extracted = app.CreateSub("extracted");
            ArchiveApp.Tar(extracted, "-xzf", again);
            Assert.Equal(File.ReadAllBytes(dump), File.ReadAllBytes(Path.Combine(extracted, "database_main.pgdump")));
            var list = ProcessRunner.Run(Path.Combine(TestServers.Env("COFFRE_TEST_PG_BIN") ?? "/usr/bin", "pg_restore"), ["--list", Path.Combine(extracted, "database_main.pgdump")], new Dictionary<string, string?>());
            Assert.True(list.ExitCode == 0, list.Describe());
            Assert.Contains("TABLE public inscriptions", list.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            TestServers.DropPgDatabase(db);
        }
    }
}

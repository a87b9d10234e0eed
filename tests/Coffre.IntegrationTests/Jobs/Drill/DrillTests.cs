using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;
using Coffre.IntegrationTests.Sources;
using static Coffre.IntegrationTests.Sources.TestServers;

namespace Coffre.IntegrationTests.Jobs.Drill;

/// <summary>
/// `coffre drill`: a sound backup passes (scratch database dropped, media sample hashed, nothing in place touched);
/// a backup whose dump is damaged, a damaged pack, or a database server that is down make it fail with the reason.
/// </summary>
[Collection(DatabaseSourcesCollection.Name)]
public class DrillTests
{
    [Fact]
    public void A_sound_backup_passes_and_one_with_a_damaged_dump_fails()
    {
        using var dir = new TestDirectory("drill");
        var app = new SqliteApp(dir);
        var coffre = app.Coffre;
        coffre.Ok("init");
        coffre.Ok("backup");
        var before = SqliteApp.Fingerprint(app.Database) + string.Join('\n', SqliteApp.Listing(app.Media));

        var verified = coffre.Json("verify", "latest");
        Assert.True(verified.GetProperty("ok").GetBoolean());
        Assert.Equal(7, verified.GetProperty("files").GetInt64()); // 4 media files, the dump, metadata.json, config/coffre.json
        var ok = coffre.Json("drill", "--full");
        Assert.True(ok.GetProperty("ok").GetBoolean());
        Assert.Equal(1700, ok.GetProperty("databases")[0].GetProperty("rows").GetInt64());
        Assert.Equal(4, ok.GetProperty("media")[0].GetProperty("files_checked").GetInt64());
        var sampled = coffre.Json("drill", "--sample", "25%", "--random");
        Assert.Equal(1, sampled.GetProperty("media")[0].GetProperty("files_checked").GetInt64());
        Assert.Equal(before, SqliteApp.Fingerprint(app.Database) + string.Join('\n', SqliteApp.Listing(app.Media)));
        Assert.Empty(Directory.GetDirectories(Path.GetTempPath(), "coffre-drill-scratch-*"));

        // The same backup with its dump cut in half, brought in through an archive: the drill must fail on it.
        coffre.Ok("export", "latest", dir.Sub("good.tar.gz"));
        var x = dir.CreateSub("x");
        ArchiveTar(x, "-xzf", dir.Sub("good.tar.gz"));
        var dump = Path.Combine(x, "database_main.sqlite");
        File.WriteAllBytes(dump, File.ReadAllBytes(dump)[..(int)(new FileInfo(dump).Length / 2)]);
        ArchiveTar(x, "-czf", dir.Sub("damaged.tar.gz"), ".");
        var imported = coffre.Json("import", dir.Sub("damaged.tar.gz")).GetProperty("snapshot_id").GetString()!;
        var failed = coffre.Run("drill", imported[..8]);
        Errors.AssertOneLine(failed, 1, "drill of backup", "failed", "database main");
        Assert.Contains("FAILED", failed.StdOut);

        // Each drill is recorded in the run history with what it checked and its result.
        var drills = File.ReadAllLines(Path.Combine(app.Root, "logs", "history.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("operation").GetString() == "drill").ToList();
        Assert.Equal(["ok", "ok", "failed"], drills.Select(d => d.GetProperty("result").GetString()));
        Assert.Contains("database main: 2 tables, 1700 rows, ok; media media: 4 of 4 files, ok (full)", drills[0].GetProperty("checked").GetString());
        Assert.Contains("database main", drills[2].GetProperty("error").GetString());
        Assert.Equal(before, SqliteApp.Fingerprint(app.Database) + string.Join('\n', SqliteApp.Listing(app.Media)));
    }

    [Fact]
    public void A_damaged_pack_fails_the_full_drill()
    {
        using var dir = new TestDirectory("drill-pack");
        var app = new SqliteApp(dir);
        var coffre = app.Coffre;
        coffre.Ok("init");
        coffre.Ok("backup");
        // The largest pack holds big.bin's data: flip one byte in it.
        var pack = Directory.GetFiles(Path.Combine(app.Repo, "data"), "*", SearchOption.AllDirectories).OrderByDescending(f => new FileInfo(f).Length).First();
        File.SetUnixFileMode(pack, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(pack);
        bytes[bytes.Length / 3] ^= 1;
        File.WriteAllBytes(pack, bytes);
        var r = coffre.Run("drill", "--full");
        Errors.AssertOneLine(r, 1, "drill of backup", "media media");
        // `coffre verify` reads the whole backup back and names the damaged file.
        var v = coffre.Run("verify");
        Errors.AssertOneLine(v, 1, "is damaged", "big.bin");
    }

    [PostgreSqlFact]
    public void PostgreSql_drill_uses_a_scratch_database_and_reports_a_server_that_is_down()
    {
        var db = NewDatabaseName();
        CreatePgDatabase(db);
        try
        {
            Psql(db, "CREATE TABLE t(id int primary key, v text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 5000) g;");
            using var dir = new TestDirectory("drill-pg");
            var app = dir.CreateSub("app");
            Directory.CreateDirectory(Path.Combine(app, "media"));
            File.WriteAllText(Path.Combine(app, "media", "a.txt"), "a");
            string Config(int port) => $$"""
                { "application": "boutique", "repository": { "path": "repo", "passwordEnv": "COFFRE_PASSWORD" },
                  "databases": [ { "name": "main", "engine": "postgresql", "host": "{{Pg("HOST")}}", "port": {{port}},
                                   "database": "{{db}}", "user": "{{Pg("USER")}}", "passwordEnv": "APP_DB_PASSWORD" } ],
                  "media": [ { "path": "media" } ] }
                """;
            File.WriteAllText(Path.Combine(app, "coffre.json"), Config(PgPort));
            var coffre = new CoffreRunner(null) { WorkingDirectory = app };
            coffre.Environment["APP_DB_PASSWORD"] = Pg("PASSWORD");
            coffre.Ok("init");
            coffre.Ok("backup");
            string Scratches() => Psql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'coffre_drill_%'").StdOut.Trim();
            var scratchesBefore = Scratches();

            var r = coffre.Json("drill");
            Assert.True(r.GetProperty("ok").GetBoolean());
            Assert.StartsWith("coffre_drill_", r.GetProperty("databases")[0].GetProperty("scratch").GetString(), StringComparison.Ordinal);
            Assert.Equal(5000, r.GetProperty("databases")[0].GetProperty("rows").GetInt64());
            Assert.Equal(scratchesBefore, Scratches());

            File.WriteAllText(Path.Combine(app, "coffre.json"), Config(ClosedPort()));
            var down = coffre.Run("drill");
            Errors.AssertOneLine(down, 1, "drill of backup", "database main");
            Assert.Contains("FAILED", down.StdOut);
        }
        finally
        {
            DropPgDatabase(db);
        }
    }

    private static void ArchiveTar(string cwd, params string[] args)
    {
        var r = ProcessRunner.Run("tar", args, new Dictionary<string, string?>(), TimeSpan.FromMinutes(1), cwd);
        Assert.True(r.ExitCode == 0, r.Describe());
    }
}

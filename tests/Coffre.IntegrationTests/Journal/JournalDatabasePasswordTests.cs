using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;
using static Coffre.IntegrationTests.Journal.JournalFiles;

namespace Coffre.IntegrationTests.Journal;

/// <summary>An application with a PostgreSQL database: neither the database password nor a wrong one reaches the journal.</summary>
[Collection(DatabaseSourcesCollection.Name)]
public class JournalDatabasePasswordTests
{
    [PostgreSqlFact]
    public void Database_passwords_right_or_wrong_never_reach_the_log_files()
    {
        const string WrongDbPassword = "wrong-db-Kennwort-Ω-9931";
        const string RepoPassword = "repo-Kennwort-Ω-5520";
        var db = TestServers.NewDatabaseName();
        TestServers.CreatePgDatabase(db);
        try
        {
            TestServers.Psql(db, "CREATE TABLE t(id serial primary key, v text); INSERT INTO t(v) SELECT 'v' || g FROM generate_series(1, 50) g;");
            using var dir = new TestDirectory("journal-pg");
            var app = dir.CreateSub("app");
            Directory.CreateDirectory(Path.Combine(app, "media"));
            File.WriteAllText(Path.Combine(app, "media", "a.txt"), "a");
            var repoPasswordFile = JournalCliTests.WritePrivate(dir.Sub("repo-password"), RepoPassword + "\n");
            File.WriteAllText(Path.Combine(app, "coffre.json"), $$"""
                { "application": "boutique",
                  "repository": { "path": "repo", "passwordFile": "{{repoPasswordFile}}" },
                  "databases": [ { "name": "main", "engine": "postgresql", "host": "{{TestServers.Pg("HOST")}}", "port": {{TestServers.PgPort}},
                                   "database": "{{db}}", "user": "{{TestServers.Pg("USER")}}", "passwordEnv": "APP_DB_PASSWORD" } ],
                  "media": [ { "path": "media" } ] }
                """);
            var coffre = new CoffreRunner(null, null) { WorkingDirectory = app };
            coffre.Environment["APP_DB_PASSWORD"] = TestServers.Pg("PASSWORD");
            coffre.Ok("init");
            coffre.Json("backup");
            coffre.Environment["APP_DB_PASSWORD"] = WrongDbPassword;
            var failed = coffre.Run("backup");

            Assert.Equal(1, failed.ExitCode);
            var logs = new JournalFiles(Path.Combine(app, "logs"));
            Assert.Equal(["init ok", "backup ok", "backup failed"], logs.Summary);
            Assert.Contains("password authentication failed", Str(logs.Records.Last(), "error"), StringComparison.Ordinal);
            foreach (var secret in new[] { TestServers.Pg("PASSWORD"), WrongDbPassword, RepoPassword })
                Assert.DoesNotContain(secret, logs.AllText(), StringComparison.Ordinal);
        }
        finally
        {
            TestServers.DropPgDatabase(db);
        }
    }
}

using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// A prune that runs while a backup is starting must never delete data the backup then reuses. The backup's
/// database passwordCommand is the window: it runs a real <c>coffre prune</c> in the middle of the backup, after
/// the data of an earlier (forgotten) backup has become unused. The backup must hold its lock before it reads the
/// index, as restic does, so that this prune is refused (exit 11) and the new snapshot keeps all its data.
/// </summary>
[Collection(DatabaseSourcesCollection.Name)]
public class BackupLockOrderTests
{
    [PostgreSqlFact]
    public void A_prune_started_by_the_backups_password_command_is_refused_and_the_backup_keeps_its_data()
    {
        var db = TestServers.NewDatabaseName();
        TestServers.CreatePgDatabase(db);
        try
        {
            TestServers.Psql(db, "CREATE TABLE t(id serial primary key, v text); INSERT INTO t(v) SELECT md5(g::text) FROM generate_series(1, 2000) g;");
            using var dir = new TestDirectory("lock-order");
            var app = dir.CreateSub("app");
            var media = Path.Combine(app, "media");
            Directory.CreateDirectory(media);
            File.WriteAllBytes(Path.Combine(media, "photo.bin"), TestData(3_000_000));
            var repo = Path.Combine(app, "repo");
            var repoPasswordFile = dir.Sub("repo-password");
            File.WriteAllText(repoPasswordFile, TestPasswords.Default + "\n");
            File.SetUnixFileMode(repoPasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var pruneLog = dir.Sub("prune.log");
            // The database password comes from a script that first prunes the repository, through the real command.
            var dbPasswordFile = dir.Sub("db-password");
            File.WriteAllText(dbPasswordFile, TestServers.Pg("PASSWORD") + "\n");
            File.SetUnixFileMode(dbPasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var script = dir.Sub("password.sh");
            File.WriteAllText(script, $"""
                #!/bin/sh
                '{CoffreRunner.DotnetHost}' '{CoffreRunner.CoffreDll}' -r '{repo}' --password-file '{repoPasswordFile}' prune --json >/dev/null 2>&1
                echo "prune exit $?" >> '{pruneLog}'
                cat '{dbPasswordFile}'
                """);
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllText(Path.Combine(app, "coffre.json"), $$"""
                { "application": "boutique",
                  "repository": { "path": "repo", "passwordFile": "{{repoPasswordFile}}" },
                  "databases": [ { "name": "main", "engine": "postgresql", "host": "{{TestServers.Pg("HOST")}}", "port": {{TestServers.PgPort}},
                                   "database": "{{db}}", "user": "{{TestServers.Pg("USER")}}", "passwordCommand": "{{script}}" } ],
                  "media": [ { "path": "media" } ] }
                """);
            var coffre = new CoffreRunner(null, null) { WorkingDirectory = app };
            coffre.Ok("init");
            var first = coffre.Json("backup").GetProperty("snapshot_id").GetString()!;
            // The first backup's data is now used by no snapshot: a prune deletes all of it.
            File.Delete(Path.Combine(repo, "snapshots", first));
            File.Delete(pruneLog);

            coffre.Json("backup");

            var check = new CoffreRunner(repo).Run("check", "--read-data");
            Assert.True(check.ExitCode == 0, $"the backup reused data the prune deleted\n{check.Describe()}");
            Restic.AssertCheckReadData(repo);
            Assert.Equal(["prune exit 11"], File.ReadAllLines(pruneLog));
        }
        finally
        {
            TestServers.DropPgDatabase(db);
        }
    }

    private static byte[] TestData(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        return bytes;
    }
}

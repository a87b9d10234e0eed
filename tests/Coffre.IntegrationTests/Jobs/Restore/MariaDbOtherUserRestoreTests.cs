using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;
using static Coffre.IntegrationTests.Sources.TestServers;

namespace Coffre.IntegrationTests.Jobs.Restore;

/// <summary>
/// A MariaDB backup made by one user (views, triggers, routines and events with DEFINER = that user) restored by
/// another user without the SUPER privilege, as on a new server: the DEFINER clauses are dropped on the way, so the
/// restore works and the restored objects belong to the restoring user.
/// </summary>
[Collection(DatabaseSourcesCollection.Name)]
public class MariaDbOtherUserRestoreTests
{
    [MySqlFact]
    public void A_dump_with_definers_restores_as_another_user()
    {
        var db = NewDatabaseName();
        var copy = NewDatabaseName();
        var user = "coffre_other_" + Guid.NewGuid().ToString("N")[..6];
        var password = "other-" + Guid.NewGuid().ToString("N");
        Mariadb(null, $"CREATE DATABASE `{db}` CHARACTER SET utf8mb4");
        Root($"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'; GRANT ALL PRIVILEGES ON `coffre\\_%`.* TO '{user}'@'%'");
        try
        {
            Mariadb(db, MySqlSourceTests.Setup);
            using var dir = new TestDirectory("mariadb-other-user");
            var app = dir.CreateSub("app");
            string Config(string who) => $$"""
                { "application": "boutique", "repository": { "path": "repo", "passwordEnv": "COFFRE_PASSWORD" },
                  "databases": [ { "name": "main", "engine": "mysql", "host": "{{My("HOST")}}", "port": {{MyPort}},
                                   "database": "{{db}}", "user": "{{who}}", "passwordEnv": "APP_DB_PASSWORD" } ] }
                """;
            File.WriteAllText(Path.Combine(app, "coffre.json"), Config(My("USER")));
            var coffre = new CoffreRunner(null) { WorkingDirectory = app };
            coffre.Environment["APP_DB_PASSWORD"] = My("PASSWORD");
            coffre.Ok("init");
            coffre.Ok("backup");

            File.WriteAllText(Path.Combine(app, "coffre.json"), Config(user));
            coffre.Environment["APP_DB_PASSWORD"] = password;
            var r = coffre.Json("restore", "latest", "--to-database", copy);
            Assert.Empty(r.GetProperty("databases")[0].GetProperty("mismatches").EnumerateArray());
            // Routine bodies are visible only to their definer (now the other user): compare everything else, and the count.
            static string[] Comparable(string fingerprint) => fingerprint.Split('\n').Select(l => l.StartsWith("routines\t", StringComparison.Ordinal) ? l[..10] : l).ToArray();
            Assert.Equal(Comparable(Mariadb(db, MySqlSourceTests.FingerprintQuery).StdOut), Comparable(Mariadb(copy, MySqlSourceTests.FingerprintQuery).StdOut));
            var definers = Mariadb(copy, "SELECT DISTINCT DEFINER FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()").StdOut.Trim();
            Assert.StartsWith(user + "@", definers, StringComparison.Ordinal);
        }
        finally
        {
            DropMyDatabase(db);
            DropMyDatabase(copy);
            Root($"DROP USER IF EXISTS '{user}'@'%'");
        }
    }

    private static void Root(string sql)
    {
        var r = ProcessRunner.Run(Client, ["--no-defaults", "-S", My("ROOT_SOCKET"), "-u", "root", "--batch", "-e", sql], new Dictionary<string, string?>());
        Assert.True(r.ExitCode == 0, r.Describe());
    }
}

using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;
using Runner = Coffre.IntegrationTests.Infrastructure.ProcessRunner;

namespace Coffre.IntegrationTests.Recovery;

/// <summary>
/// Bare-machine recovery of an application with a PostgreSQL and a MariaDB database and a media folder
/// (docs/recovery.md): after a backup, the databases, their roles and users, the media, coffre.json and the state
/// folder are deleted; with the repository and the recovery code, `coffre config restore` (the administrators and a new
/// media folder given with --set) and `coffre restore latest --force` create the roles, users and databases again and
/// bring back every row and every file.
/// </summary>
[Collection(DatabaseSourcesCollection.Name)]
public class ServerApplicationRecoveryTests
{
    [BothServersFact]
    public void Databases_roles_users_and_media_come_back_on_a_bare_server()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var name = $"rec_{id}";
        var reader = $"rec_{id}_ro";
        var myAdmin = $"recadm_{id}";
        var pgPassword = $"pg app 'pw' é {id}";
        var myPassword = $"my app 'pw' é {id}";
        var myAdminPassword = $"admin pw {id}";
        try
        {
            TestServers.Psql("postgres", $"CREATE ROLE {name} LOGIN PASSWORD '{pgPassword.Replace("'", "''", StringComparison.Ordinal)}'", superuser: true);
            TestServers.Psql("postgres", $"CREATE ROLE {reader} NOLOGIN", superuser: true);
            TestServers.Psql("postgres", $"CREATE DATABASE {name} OWNER {name} TEMPLATE template0 ENCODING 'UTF8'", superuser: true);
            PsqlAs(name, pgPassword, name, "CREATE TABLE clients(id serial primary key, nom text); INSERT INTO clients(nom) SELECT 'client ' || g FROM generate_series(1, 1500) g; "
                + $"CREATE TABLE commandes(id int, client int); INSERT INTO commandes SELECT g, g % 1500 FROM generate_series(1, 321) g; GRANT SELECT ON clients TO {reader};");
            var myLiteral = myPassword.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
            MyRoot($"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY '{myLiteral}'; GRANT ALL PRIVILEGES ON `{name}`.* TO '{name}'@'127.0.0.1'; CREATE DATABASE `{name}`; "
                + $"CREATE USER '{myAdmin}'@'127.0.0.1' IDENTIFIED BY '{myAdminPassword}'; GRANT ALL PRIVILEGES ON *.* TO '{myAdmin}'@'127.0.0.1' WITH GRANT OPTION;");
            MyAs(name, myPassword, name, "CREATE TABLE produits(id int primary key auto_increment, nom varchar(50)); "
                + "INSERT INTO produits(nom) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 777) SELECT CONCAT('produit ', n) FROM s;");

            using var dir = new TestDirectory("recovery-servers");
            var app = dir.CreateSub("machine/app");
            Directory.CreateDirectory(Path.Combine(app, "files", "2026"));
            File.WriteAllText(Path.Combine(app, "files", "2026", "facture-001.pdf"), "%PDF facture");
            File.WriteAllBytes(Path.Combine(app, "files", "logo.png"), [.. Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31))]);
            File.WriteAllText(Path.Combine(app, "coffre.json"), $$"""
                { "application": "crm-{{id}}",
                  "repository": { "path": "repo", "passwordEnv": "COFFRE_PASSWORD" },
                  "databases": [
                    { "name": "main", "engine": "postgresql", "host": "{{TestServers.Pg("HOST")}}", "port": {{TestServers.PgPort}},
                      "database": "{{name}}", "user": "{{name}}", "passwordEnv": "PG_APP_PASSWORD" },
                    { "name": "shop", "engine": "mysql", "host": "{{TestServers.My("HOST")}}", "port": {{TestServers.MyPort}},
                      "database": "{{name}}", "user": "{{name}}", "passwordEnv": "MY_APP_PASSWORD" } ],
                  "media": [ { "name": "files", "path": "files" } ] }
                """);
            var before = new CoffreRunner(null) { WorkingDirectory = app };
            before.Environment["PG_APP_PASSWORD"] = pgPassword;
            before.Environment["MY_APP_PASSWORD"] = myPassword;
            var code = before.Json("init").GetProperty("recovery_key").GetString()!;
            var backup = before.Json("backup");
            Assert.Equal("complete", backup.GetProperty("status").GetString());
            var pgRows = PgCounts(name);
            var myRows = MyRoot($"SELECT COUNT(*) FROM `{name}`.produits").StdOut.Trim();
            Assert.Equal("1500 321", pgRows);
            Assert.Equal("777", myRows);
            var files = RecoveryFiles.Hashes(Path.Combine(app, "files"));

            // What the backup saved for the roles and grants holds no password.
            var restic = new ResticRunner(Path.Combine(app, "repo"));
            restic.Ok("restore", "latest", "--target", dir.Sub("restic-out"), "--include", "/database");
            var roles = File.ReadAllText(dir.Sub("restic-out/database/main.roles.sql"));
            Assert.Contains($"CREATE ROLE {reader};", roles, StringComparison.Ordinal);
            Assert.DoesNotContain("PASSWORD", roles, StringComparison.Ordinal);
            var grants = File.ReadAllText(dir.Sub("restic-out/database/shop.grants.sql"));
            Assert.Contains($"GRANT ALL PRIVILEGES ON `{name}`.* TO `{name}`@`127.0.0.1`", grants, StringComparison.Ordinal);
            Assert.DoesNotContain("PASSWORD", grants, StringComparison.Ordinal);

            // Everything but the repository is gone: databases, roles, users, media, coffre.json, the state folder.
            TestServers.Psql("postgres", $"DROP DATABASE {name} WITH (FORCE)", superuser: true);
            TestServers.Psql("postgres", $"DROP ROLE {reader}", superuser: true);
            TestServers.Psql("postgres", $"DROP ROLE {name}", superuser: true);
            MyRoot($"DROP DATABASE `{name}`; DROP USER '{name}'@'127.0.0.1';");
            var vault = dir.Sub("vault/repo");
            Directory.CreateDirectory(dir.Sub("vault"));
            Directory.Move(Path.Combine(app, "repo"), vault);
            Directory.Delete(dir.Sub("machine"), recursive: true);

            // The new machine: the recovery code, the application's database passwords (its own secrets, never in a
            // backup) and the servers' administrators.
            var fresh = dir.CreateSub("new");
            var after = new CoffreRunner(null, password: code) { WorkingDirectory = fresh };
            after.Environment["PG_APP_PASSWORD"] = pgPassword;
            after.Environment["MY_APP_PASSWORD"] = myPassword;
            after.Environment["PG_ADMIN_PASSWORD"] = TestServers.Pg("SUPERPASSWORD");
            after.Environment["MY_ADMIN_PASSWORD"] = myAdminPassword;

            // Without an administrator, the restore says what to set, and changes nothing.
            after.Ok("config", "restore", "-r", vault, "-o", "coffre.json", "--set", "media[files].path=files");
            var noAdmin = after.Run("restore", "latest", "-c", "coffre.json", "--force");
            Assert.Equal(1, noAdmin.ExitCode);
            Assert.Contains("databases[].admin", noAdmin.StdErr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(fresh, "files")));

            after.Ok("config", "restore", "-r", vault, "-o", "coffre.json", "--force",
                "--set", "databases[main].admin.user=" + TestServers.Pg("SUPERUSER"), "--set", "databases[main].admin.passwordEnv=PG_ADMIN_PASSWORD",
                "--set", "databases[shop].admin.user=" + myAdmin, "--set", "databases[shop].admin.passwordEnv=MY_ADMIN_PASSWORD",
                "--set", "media[files].path=files");
            using (var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(fresh, "coffre.json")), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }))
            {
                Assert.Equal(vault, written.RootElement.GetProperty("repository").GetProperty("path").GetString());
                Assert.Equal(Path.Combine(fresh, "files"), written.RootElement.GetProperty("media")[0].GetProperty("path").GetString());
            }
            var restored = after.Ok("restore", "latest", "-c", "coffre.json", "--force");
            Assert.Contains($"role {name} created", restored.StdErr, StringComparison.Ordinal);
            Assert.Contains($"user {name}@127.0.0.1 created", restored.StdErr, StringComparison.Ordinal);
            Assert.Contains("restore of backup", restored.StdOut, StringComparison.Ordinal);

            Assert.Equal(pgRows, PgCounts(name));
            Assert.Equal(myRows, MyAs(name, myPassword, name, "SELECT COUNT(*) FROM produits").StdOut.Trim());
            Assert.Equal(files, RecoveryFiles.Hashes(Path.Combine(fresh, "files")));
            // The roles are back as the dump needs them, with no power they did not have and no login for the others.
            Assert.Equal("true false", PsqlAs(name, pgPassword, name, $"SELECT has_table_privilege('{reader}', 'clients', 'SELECT')::text || ' ' || rolcanlogin::text FROM pg_roles WHERE rolname = '{reader}'").StdOut.Trim());
            Assert.Equal("false false", PsqlAs(name, pgPassword, name, "SELECT rolsuper::text || ' ' || rolcreaterole::text FROM pg_roles WHERE rolname = current_user").StdOut.Trim());
            Assert.DoesNotContain("ON *.* TO", MyRoot($"SHOW GRANTS FOR '{name}'@'127.0.0.1'").StdOut.Replace($"GRANT USAGE ON *.* TO", "", StringComparison.Ordinal), StringComparison.Ordinal);

            // A second restore finds nothing missing.
            var again = after.Ok("restore", "latest", "-c", "coffre.json", "--force");
            Assert.DoesNotContain("created", again.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            TestServers.DropPgDatabase(name);
            try { TestServers.Psql("postgres", $"DROP ROLE IF EXISTS {reader}; DROP ROLE IF EXISTS {name}", superuser: true); }
            catch (Xunit.Sdk.XunitException) { }
            try { MyRoot($"DROP DATABASE IF EXISTS `{name}`; DROP USER IF EXISTS '{name}'@'127.0.0.1'; DROP USER IF EXISTS '{myAdmin}'@'127.0.0.1';"); }
            catch (Xunit.Sdk.XunitException) { }
        }
    }

    private static string PgCounts(string database) =>
        TestServers.Psql(database, "SELECT (SELECT count(*) FROM clients)::text || ' ' || (SELECT count(*) FROM commandes)::text", superuser: true).StdOut.Trim();

    private static ProcessResult PsqlAs(string user, string password, string database, string sql)
    {
        var r = Runner.Run("/usr/bin/psql",
            ["-X", "-q", "-A", "-t", "-w", "-v", "ON_ERROR_STOP=1", "-h", TestServers.Pg("HOST"), "-p", TestServers.Pg("PORT"), "-U", user, "-d", database, "-c", sql],
            new Dictionary<string, string?> { ["PGPASSWORD"] = password, ["PGCLIENTENCODING"] = "UTF8", ["LC_ALL"] = "C.UTF-8" }, TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, r.Describe());
        return r;
    }

    private static ProcessResult MyAs(string user, string password, string database, string sql)
    {
        var r = Runner.Run(TestServers.Client,
            ["--no-defaults", "-h", TestServers.My("HOST"), "-P", TestServers.My("PORT"), "-u", user, "--batch", "--skip-column-names", $"--database={database}", "-e", sql],
            new Dictionary<string, string?> { ["MYSQL_PWD"] = password, ["LC_ALL"] = "C.UTF-8" }, TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, r.Describe());
        return r;
    }

    /// <summary>As MariaDB's root, through the private server's unix socket.</summary>
    private static ProcessResult MyRoot(string sql)
    {
        var r = Runner.Run(TestServers.Client,
            ["--no-defaults", $"--socket={TestServers.My("ROOT_SOCKET")}", "-u", "root", "--batch", "--skip-column-names", "-e", sql],
            new Dictionary<string, string?> { ["LC_ALL"] = "C.UTF-8" }, TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, r.Describe());
        return r;
    }
}

/// <summary>A test that needs both private servers (PostgreSQL and MariaDB): skipped with a reason when one is absent, except in CI.</summary>
public sealed class BothServersFactAttribute : FactAttribute
{
    public BothServersFactAttribute()
    {
        if (TestServers.InCi) return;
        if (TestServers.Env("COFFRE_TEST_PG_PORT") is null || TestServers.Env("COFFRE_TEST_MYSQL_PORT") is null)
            Skip = "needs the private PostgreSQL and MariaDB that ./test.sh starts (COFFRE_TEST_PG_*/COFFRE_TEST_MYSQL_* not set; CI=true makes this a failure)";
    }
}

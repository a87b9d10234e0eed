using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;
using static Coffre.IntegrationTests.Sources.TestServers;

namespace Coffre.IntegrationTests.Jobs.BadInput;

/// <summary>
/// `coffre backup` of an application whose PostgreSQL database cannot be dumped: server down, wrong password,
/// unknown database, pg_dump missing or older than the server. Each run exits 1 with one line naming the cause,
/// writes no snapshot, and leaves the database, the media and the repository (with its first backup) as they were.
/// </summary>
[Collection(DatabaseSourcesCollection.Name)]
public class PostgreSqlBadInputTests
{
    /// <summary>
    /// A database with a table of 1234 rows and an application backing it up, with its first backup; then the test
    /// breaks one thing. The table must be the same afterwards; the database is dropped at the end.
    /// </summary>
    private static void Run(Action<BrokenApp, string> test)
    {
        var db = NewDatabaseName();
        CreatePgDatabase(db);
        try
        {
            Psql(db, "CREATE TABLE clients(id serial primary key, nom text); INSERT INTO clients(nom) SELECT 'client ' || g FROM generate_series(1, 1234) g;");
            using var app = new BrokenApp();
            app.Databases.Add(BrokenApp.PostgreSql(db));
            app.Coffre.Environment[BrokenApp.DbPasswordVariable] = Pg("PASSWORD");
            app.Start();
            var before = State(db);
            test(app, db);
            Assert.Equal(before, State(db));
        }
        finally
        {
            DropPgDatabase(db);
        }
    }

    /// <summary>The rows of the table, as their number and one hash.</summary>
    private static string State(string db) =>
        Psql(db, "SELECT count(*) || ' ' || md5(string_agg(id || ':' || nom, ',' ORDER BY id)) FROM clients").StdOut.Trim();

    [PostgreSqlFact]
    public void Server_down() => Run((app, db) =>
    {
        var port = ClosedPort();
        app.Database(0)["port"] = port;
        app.Save();

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, $"PostgreSQL at {Pg("HOST")}:{port}", "refused the connection");
        app.AssertUntouched();
    });

    [PostgreSqlFact]
    public void Wrong_password() => Run((app, db) =>
    {
        app.Coffre.Environment[BrokenApp.DbPasswordVariable] = "not the app password";

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, "password authentication failed for user app", $"{Pg("HOST")}:{PgPort}");
        Assert.DoesNotContain("not the app password", r.StdOut + r.StdErr, StringComparison.Ordinal);
        app.AssertUntouched();
    });

    [PostgreSqlFact]
    public void Unknown_database() => Run((app, db) =>
    {
        var missing = NewDatabaseName();
        app.Database(0)["database"] = missing;
        app.Save();

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, $"database \"{missing}\" does not exist");
        app.AssertUntouched();
    });

    [PostgreSqlFact]
    public void Client_tools_not_installed() => Run((app, db) =>
    {
        var bin = app.Dir.CreateSub("empty-bin");
        app.Database(0)["binDirectory"] = bin;
        app.Save();

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, $"psql not found at {bin}/psql", "install postgresql-client");
        app.AssertUntouched();
    });

    [PostgreSqlFact]
    public void Pg_dump_missing() => Run((app, db) =>
    {
        // psql (to describe the database) and pg_dumpall (for the roles) are there; pg_dump is not.
        var bin = app.Dir.CreateSub("bin-without-pg_dump");
        Link(bin, "psql", "pg_dumpall");
        app.Database(0)["binDirectory"] = bin;
        app.Save();

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, $"pg_dump not found at {bin}/pg_dump", "install postgresql-client");
        app.AssertUntouched();
    });

    [PostgreSqlFact]
    public void Pg_dump_older_than_the_server() => Run((app, db) =>
    {
        // A test double: a pg_dump older than the server cannot be installed next to the PostgreSQL 15 under test, so
        // this script fails exactly as pg_dump 15 does against a PostgreSQL 17 server (same stderr, exit code 1).
        // psql and pg_dumpall are the real ones.
        var bin = app.Dir.CreateSub("old-bin");
        Link(bin, "psql", "pg_dumpall");
        var pgDump = Path.Combine(bin, "pg_dump");
        File.WriteAllText(pgDump, """
            #!/bin/sh
            echo "pg_dump: error: aborting because of server version mismatch" >&2
            echo "pg_dump: detail: server version: 17.2 (Debian 17.2-1.pgdg120+1); pg_dump version: 15.18 (Debian 15.18-0+deb12u1)" >&2
            exit 1

            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(pgDump, (UnixFileMode)0x1ED);
        app.Database(0)["binDirectory"] = bin;
        app.Save();

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, "pg_dump 15 is older than the server 17", "install a matching postgresql-client");
        app.AssertUntouched();
    });

    /// <summary>Symbolic links in <paramref name="bin"/> to the real PostgreSQL client tools.</summary>
    private static void Link(string bin, params string[] tools)
    {
        var real = Env("COFFRE_TEST_PG_BIN") ?? "/usr/bin";
        foreach (var tool in tools) File.CreateSymbolicLink(Path.Combine(bin, tool), Path.Combine(real, tool));
    }
}

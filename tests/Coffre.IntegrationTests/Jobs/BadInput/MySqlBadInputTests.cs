using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;
using static Coffre.IntegrationTests.Sources.TestServers;

namespace Coffre.IntegrationTests.Jobs.BadInput;

/// <summary>
/// `coffre backup` of an application whose MySQL/MariaDB database cannot be dumped: server down, wrong password,
/// unknown database, mysqldump missing. Each run exits 1 with one line naming the cause, writes no snapshot, and
/// leaves the database, the media and the repository (with its first backup) as they were.
/// </summary>
[Collection(DatabaseSourcesCollection.Name)]
public class MySqlBadInputTests
{
    /// <summary>
    /// A database with a table of 321 rows and an application backing it up, with its first backup; then the test
    /// breaks one thing. The table must be the same afterwards; the database is dropped at the end.
    /// </summary>
    private static void Run(Action<BrokenApp, string> test)
    {
        var db = NewDatabaseName();
        try
        {
            Mariadb(null, $"CREATE DATABASE `{db}` CHARACTER SET utf8mb4");
            Mariadb(db, "CREATE TABLE clients(id INT PRIMARY KEY AUTO_INCREMENT, nom VARCHAR(100)) ENGINE=InnoDB; "
                + "INSERT INTO clients(nom) SELECT CONCAT('client ', seq) FROM seq_1_to_321;");
            using var app = new BrokenApp();
            app.Databases.Add(BrokenApp.MySql(db));
            app.Coffre.Environment[BrokenApp.DbPasswordVariable] = My("PASSWORD");
            app.Start();
            var before = State(db);
            test(app, db);
            Assert.Equal(before, State(db));
        }
        finally
        {
            DropMyDatabase(db);
        }
    }

    /// <summary>The rows of the table, as their number and one hash.</summary>
    private static string State(string db) =>
        Mariadb(db, "SELECT CONCAT(COUNT(*), ' ', MD5(GROUP_CONCAT(id, ':', nom ORDER BY id SEPARATOR ','))) FROM clients").StdOut.Trim();

    [MySqlFact]
    public void Server_down() => Run((app, db) =>
    {
        var port = ClosedPort();
        app.Database(0)["port"] = port;
        app.Save();

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, $"MySQL at {My("HOST")}:{port}", "refused the connection");
        app.AssertUntouched();
    });

    [MySqlFact]
    public void Wrong_password() => Run((app, db) =>
    {
        app.Coffre.Environment[BrokenApp.DbPasswordVariable] = "not the app password";

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, "access denied for user app", $"MySQL at {My("HOST")}:{MyPort}", "wrong password");
        Assert.DoesNotContain("not the app password", r.StdOut + r.StdErr, StringComparison.Ordinal);
        app.AssertUntouched();
    });

    [MySqlFact]
    public void Unknown_database() => Run((app, db) =>
    {
        // A name the user would have every right on (coffre%), so the server says it does not exist.
        var missing = NewDatabaseName();
        app.Database(0)["database"] = missing;
        app.Save();

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, $"database \"{missing}\" does not exist");
        app.AssertUntouched();
    });

    [MySqlFact]
    public void Mysqldump_missing() => Run((app, db) =>
    {
        // The client (to describe the database) is there; neither mariadb-dump nor mysqldump is.
        var bin = app.Dir.CreateSub("bin-without-dump");
        File.CreateSymbolicLink(Path.Combine(bin, Path.GetFileName(Client)), Client);
        app.Database(0)["binDirectory"] = bin;
        app.Save();

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, $"mysqldump not found in {bin}", "mariadb-dump and mysqldump", "install mariadb-client or mysql-client");
        app.AssertUntouched();
    });
}

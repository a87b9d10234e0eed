using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Jobs.BadInput;

/// <summary>
/// `coffre backup` of an application whose SQLite database is gone or is not a SQLite database: exit 1, one line
/// naming the file, no snapshot, and the file (with no journal or WAL left beside it), the media and the
/// repository as they were.
/// </summary>
public class SqliteBadInputTests
{
    [Fact]
    public void Database_file_missing()
    {
        using var app = new BrokenApp();
        app.Databases.Add(app.Sqlite());
        app.Start();
        File.Move(app.SqlitePath, app.SqlitePath + ".moved");
        var moved = BrokenApp.FileState(app.SqlitePath + ".moved");
        app.Remember();

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, $"databases[0].path: {app.SqlitePath} does not exist", "coffre config check");
        Assert.Equal("missing []", BrokenApp.FileState(app.SqlitePath));
        Assert.Equal(moved, BrokenApp.FileState(app.SqlitePath + ".moved"));
        app.AssertUntouched(repositoryUnchanged: true);
    }

    [Fact]
    public void Not_a_sqlite_database()
    {
        using var app = new BrokenApp();
        app.Databases.Add(app.Sqlite());
        app.Start();
        // Another program wrote over the file (more than a SQLite header's 100 bytes, so it is read as one).
        File.WriteAllText(app.SqlitePath, string.Concat(Enumerable.Repeat("this is a text file, not a database\n", 200)));
        var before = BrokenApp.FileState(app.SqlitePath);
        app.Remember();

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, $"{app.SqlitePath} is not a SQLite database");
        Assert.Equal(before, BrokenApp.FileState(app.SqlitePath));
        app.AssertUntouched();
    }

    [Fact]
    public void Empty_database_file()
    {
        using var app = new BrokenApp();
        app.Databases.Add(app.Sqlite());
        app.Start();
        File.WriteAllBytes(app.SqlitePath, []);
        var before = BrokenApp.FileState(app.SqlitePath);
        app.Remember();

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, $"{app.SqlitePath} is empty");
        Assert.Equal(before, BrokenApp.FileState(app.SqlitePath));
        app.AssertUntouched();
    }
}

using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Jobs.BadInput;

/// <summary>
/// The repository cannot be opened: a wrong password in the variable coffre.json names (exit 12), the variable not
/// set (exit 1), no repository where coffre.json says (exit 10). Nothing is written: not one file or folder of the
/// repository changes, no database is dumped, no repository is created.
/// </summary>
public class RepositoryPasswordTests
{
    [Fact]
    public void Wrong_repository_password_exits_12()
    {
        using var app = new BrokenApp();
        app.Databases.Add(app.Sqlite());
        app.Start();
        var database = BrokenApp.FileState(app.SqlitePath);
        app.Coffre.Environment[BrokenApp.RepoPasswordVariable] = "not the repository password";

        var r = app.Backup();

        Errors.AssertOneLine(r, 12, "wrong password");
        Assert.DoesNotContain("not the repository password", r.StdOut + r.StdErr, StringComparison.Ordinal);
        Assert.Equal(database, BrokenApp.FileState(app.SqlitePath));
        app.AssertUntouched(repositoryUnchanged: true);
    }

    [Fact]
    public void Password_variable_not_set()
    {
        using var app = new BrokenApp();
        app.Databases.Add(app.Sqlite());
        app.Start();
        app.Coffre.Environment[BrokenApp.RepoPasswordVariable] = null;

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, $"the password variable {BrokenApp.RepoPasswordVariable} is not set");
        app.AssertUntouched(repositoryUnchanged: true);
    }

    [Fact]
    public void No_repository_where_the_configuration_says_exits_10()
    {
        using var app = new BrokenApp();
        app.Databases.Add(app.Sqlite());
        app.Start();
        var repository = app.Repository;
        var elsewhere = Path.Combine(app.Folder, "backups-elsewhere");
        app.Config["repository"]!["path"] = "backups-elsewhere";
        app.Save();

        var r = app.Backup();

        Errors.AssertOneLine(r, 10, $"no repository at {elsewhere}");
        Assert.False(Path.Exists(elsewhere), $"{elsewhere} was created");
        app.Config["repository"]!["path"] = "repo";
        Assert.Equal(repository, app.Repository);
        app.AssertUntouched(repositoryUnchanged: true);
    }
}

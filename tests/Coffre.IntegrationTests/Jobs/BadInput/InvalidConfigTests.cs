using System.Text.Json;
using System.Text.Json.Nodes;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Jobs.BadInput;

/// <summary>
/// A coffre.json that is wrong in one place: `coffre config check` names the key and exits 1; `coffre backup` exits 1
/// with one line naming the same key, before it touches anything (not one file or folder of the repository changes,
/// not even a lock comes and goes); the database and the media stay as they were.
/// </summary>
public class InvalidConfigTests
{
    private const string Secret = "hunter2-in-the-file";

    [Theory]
    [InlineData("no application", "application", "the application's name is required")]
    [InlineData("unknown engine", "databases[0].engine", "unknown engine \"sqlite3\" (use postgresql, mysql or sqlite)")]
    [InlineData("database password in the file", "databases[1].password", "do not put passwords in coffre.json")]
    [InlineData("repository password in the file", "repository.password", "do not put passwords in coffre.json")]
    [InlineData("unknown key", "media[0].excludes", "unknown key \"excludes\" (did you mean \"exclude\"?)")]
    [InlineData("port not a number", "databases[1].port", "\"five\" is not a whole number")]
    [InlineData("media not a list", "media", "must be a list")]
    [InlineData("two repository password sources", "repository.passwordFile", "set only one of passwordEnv, passwordFile")]
    [InlineData("bin directory missing", "databases[1].binDirectory", "/nonexistent/postgresql/bin does not exist")]
    [InlineData("typo in an environment override", "repository.Pth", "unknown key \"Pth\" (did you mean \"path\"?) (from the environment variable COFFRE_Repository__Pth)")]
    public void Invalid_configuration_is_named_and_nothing_is_touched(string fault, string key, string message)
    {
        using var app = new BrokenApp();
        app.Databases.Add(app.Sqlite());
        app.Start();
        Break(app, fault);
        var database = BrokenApp.FileState(app.SqlitePath);
        app.Remember();

        var check = app.Coffre.Run("config", "check");
        Assert.True(check.ExitCode == 1, $"expected exit code 1\n{check.Describe()}");
        Errors.AssertNoCrash(check);
        Assert.Contains(check.StdErrLines, l => l.StartsWith($"coffre.json: {key}: ", StringComparison.Ordinal) && l.Contains(message, StringComparison.Ordinal));
        var json = app.Coffre.Run("config", "check", "--json");
        Assert.Equal(1, json.ExitCode);
        using (var doc = JsonDocument.Parse(json.StdOut))
        {
            Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
            Assert.Contains(doc.RootElement.GetProperty("errors").EnumerateArray(), e => e.GetProperty("key").GetString() == key);
        }

        var r = app.Backup();

        Errors.AssertOneLine(r, 1, "the configuration is invalid", $"{key}: {message}", "run 'coffre config check'");
        Assert.DoesNotContain(Secret, check.StdOut + check.StdErr + json.StdOut + r.StdOut + r.StdErr, StringComparison.Ordinal);
        Assert.Equal(database, BrokenApp.FileState(app.SqlitePath));
        app.AssertUntouched(repositoryUnchanged: true);
    }

    [Fact]
    public void Not_json_names_the_line()
    {
        using var app = new BrokenApp();
        app.Databases.Add(app.Sqlite());
        app.Start();
        File.WriteAllText(app.ConfigPath, "{\n  \"application\": \"shop\",\n  \"media\": [ { \"path\": \"uploads\" } ]\n  \"repository\": { }\n}\n");
        app.Remember();

        Errors.AssertOneLine(app.Coffre.Run("config", "check"), 1, $"{app.ConfigPath} is not valid JSON", "line 4");
        Errors.AssertOneLine(app.Backup(), 1, $"{app.ConfigPath} is not valid JSON", "line 4");
        app.AssertUntouched(repositoryUnchanged: true);
    }

    private static void Break(BrokenApp app, string fault)
    {
        JsonObject Postgres() => new() { ["name"] = "main", ["engine"] = "postgresql", ["database"] = "shop", ["user"] = "app" };
        switch (fault)
        {
            case "no application":
                app.Config.Remove("application");
                break;
            case "unknown engine":
                app.Database(0)["engine"] = "sqlite3";
                break;
            case "database password in the file":
                var withPassword = Postgres();
                withPassword["password"] = Secret;
                app.Databases.Add(withPassword);
                break;
            case "repository password in the file":
                app.Config["repository"]!["password"] = Secret;
                break;
            case "unknown key":
                app.Config["media"]![0]!["excludes"] = new JsonArray("cache/**");
                break;
            case "port not a number":
                var wrongPort = Postgres();
                wrongPort["port"] = "five";
                app.Databases.Add(wrongPort);
                break;
            case "media not a list":
                app.Config["media"] = new JsonObject { ["path"] = "uploads" };
                break;
            case "two repository password sources":
                var file = Path.Combine(app.Folder, "repo.pw");
                File.WriteAllText(file, TestPasswords.Default + "\n");
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                app.Config["repository"]!["passwordFile"] = "repo.pw";
                break;
            case "bin directory missing":
                var withBin = Postgres();
                withBin["binDirectory"] = "/nonexistent/postgresql/bin";
                app.Databases.Add(withBin);
                break;
            case "typo in an environment override":
                app.Coffre.Environment["COFFRE_Repository__Pth"] = "/mnt/backups";
                break;
            default:
                throw new ArgumentException($"unknown fault {fault}", nameof(fault));
        }
        app.Save();
    }
}

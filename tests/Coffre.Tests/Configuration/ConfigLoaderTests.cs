using Coffre.Configuration;

namespace Coffre.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly ConfigFixture _f = new();

    public void Dispose() => _f.Dispose();

    internal static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Coffre.slnx"))) return d.FullName;
        throw new InvalidOperationException("Coffre.slnx not found above " + AppContext.BaseDirectory);
    }

    private static Dictionary<string, string?> Env(params (string, string?)[] vars)
    {
        var d = new Dictionary<string, string?>();
        foreach (var (k, v) in vars) d[k] = v;
        return d;
    }

    [Fact]
    public void LoadsTheCommentedSample()
    {
        var file = Path.Combine(RepoRoot(), "samples", "coffre.json");
        var c = ConfigLoader.Load(file, Env());
        var dir = Path.GetDirectoryName(file)!;

        Assert.Equal(file, c.FilePath);
        Assert.Equal("boutique", c.Application);
        Assert.Equal(Path.Combine(dir, "backups"), c.Repository.Path);
        Assert.Equal("COFFRE_PASSWORD", c.Repository.PasswordEnv);
        Assert.Null(c.Repository.PasswordFile);
        Assert.Equal(["main", "shop", "local"], c.Databases.Select(d => d.Name));
        Assert.Equal(["postgresql", "mysql", "sqlite"], c.Databases.Select(d => d.Engine));
        Assert.Equal(5432, c.Databases[0].Port);
        Assert.Equal(3306, c.Databases[1].Port); // default
        Assert.Equal("127.0.0.1", c.Databases[1].Host); // default
        Assert.Equal("/etc/coffre/mysql.pw", c.Databases[1].PasswordFile);
        Assert.Equal(Path.Combine(dir, "data", "app.sqlite3"), c.Databases[2].Path);
        Assert.Null(c.Databases[2].Host);
        Assert.Equal(["media", "uploads"], c.Media.Select(m => m.Name));
        Assert.Equal(["cache/**", "*.tmp"], c.Media[0].Exclude);
        Assert.Equal("/var/www/boutique/uploads", c.Media[1].Path);
        Assert.Equal((30, 3, 7, 4, 12, 2), (c.Retention.KeepWithinDays, c.Retention.Last, c.Retention.Daily, c.Retention.Weekly, c.Retention.Monthly, c.Retention.Yearly));
        Assert.Equal("systemctl stop boutique", c.Hooks.PreRestore);
        Assert.Equal("systemctl start boutique", c.Hooks.PostRestore);
        Assert.Equal("daily 02:30", c.Schedule.Backup);
        Assert.Equal(Path.Combine(dir, "logs"), c.Logging.Path);
        Assert.Equal("info", c.Logging.Level);
        Assert.Equal("https://hooks.example.com/coffre", c.Alerts.Webhook.Url);
        Assert.Equal(("smtp.example.com", 587, "coffre@example.com"), (c.Alerts.Email.Host, c.Alerts.Email.Port, c.Alerts.Email.From));
        Assert.Equal(["ops@example.com"], c.Alerts.Email.To);
    }

    [Fact]
    public void TheCommentedSampleValidatesWhereItsPathsExist()
    {
        // The sample's files live on a real server: recreate its relative paths in a temp folder and point its
        // absolute ones there through the environment.
        File.Copy(Path.Combine(RepoRoot(), "samples", "coffre.json"), _f.PathOf("coffre.json"));
        Directory.CreateDirectory(_f.PathOf("uploads"));
        var env = Env(("COFFRE_Databases__1__PasswordFile", _f.PathOf("secrets/mysql.pw")), ("COFFRE_Media__1__Path", _f.PathOf("uploads")));
        var errors = ConfigValidator.Validate(ConfigLoader.Load(_f.PathOf("coffre.json"), env));
        Assert.Empty(errors);
    }

    [Fact]
    public void TheSampleStructureIsValidEvenWherePathsAreMissing()
    {
        var c = ConfigLoader.Load(Path.Combine(RepoRoot(), "samples", "coffre.json"), Env());
        var errors = ConfigValidator.Validate(c);
        // Only the files and folders of a real server can be missing; every key is known and well formed.
        Assert.All(errors, e => Assert.Contains(e.Key, new[] { "databases[1].passwordFile", "databases[2].path", "media[0].path", "media[1].path" }));
    }

    [Fact]
    public void LoadsTheSampleApplication()
    {
        var root = RepoRoot();
        var c = ConfigLoader.Load(Path.Combine(root, "samples", "app"), Env());
        Assert.Equal("sample-shop", c.Application);
        Assert.Equal(Path.Combine(root, "backups"), c.Repository.Path); // the repository root's git-ignored ./backups
        Assert.Equal("COFFRE_PASSWORD", c.Repository.PasswordEnv);
        var db = Assert.Single(c.Databases);
        Assert.Equal(("shop", "sqlite", Path.Combine(root, "samples", "app", "data", "app.sqlite3")), (db.Name, db.Engine, db.Path));
        var media = Assert.Single(c.Media);
        Assert.Equal(("media", Path.Combine(root, "samples", "app", "media")), (media.Name, media.Path));
        Assert.Equal(["cache/**"], media.Exclude);
        Assert.Equal(30, c.Retention.KeepWithinDays);
    }

    [Fact]
    public void TheSampleApplicationValidates()
    {
        // samples/app/data and media come with the sample application; a copy in a temp folder does not depend on them.
        Directory.CreateDirectory(_f.PathOf("app"));
        File.Copy(Path.Combine(RepoRoot(), "samples", "app", "coffre.json"), _f.PathOf("app/coffre.json"));
        Directory.CreateDirectory(_f.PathOf("app/data"));
        File.WriteAllBytes(_f.PathOf("app/data/app.sqlite3"), []);
        Directory.CreateDirectory(_f.PathOf("app/media"));
        Assert.Empty(ConfigValidator.Validate(ConfigLoader.Load(_f.PathOf("app/coffre.json"), Env())));
    }

    [Fact]
    public void DefaultsApply()
    {
        var c = _f.Load("""
            { "application": "a", "repository": { "passwordEnv": "P" },
              "databases": [ { "engine": "postgresql", "database": "shop", "user": "u" }, { "engine": "MySQL", "database": "m", "user": "u" },
                             { "engine": "sqlite", "path": "data/app.sqlite3" } ],
              "media": [ { "path": "media/" } ] }
            """);
        Assert.Equal(_f.PathOf("backups"), c.Repository.Path);
        Assert.Equal((30, null, null, null, null, null), (c.Retention.KeepWithinDays, c.Retention.Last, c.Retention.Daily, c.Retention.Weekly, c.Retention.Monthly, c.Retention.Yearly));
        Assert.Equal(("shop", "127.0.0.1", 5432), (c.Databases[0].Name, c.Databases[0].Host, c.Databases[0].Port));
        Assert.Equal(("m", "mysql", 3306), (c.Databases[1].Name, c.Databases[1].Engine, c.Databases[1].Port));
        Assert.Equal("app", c.Databases[2].Name);
        Assert.Equal(("media", _f.PathOf("media")), (c.Media[0].Name, c.Media[0].Path));
        Assert.Null(c.Schedule.Backup);
        Assert.Null(c.Alerts.Webhook.Url);
        Assert.Empty(ConfigValidator.Validate(c));
    }

    [Fact]
    public void EnvironmentOverridesTheFile()
    {
        var env = Env(
            ("COFFRE_Repository__Path", "/mnt/backups"),
            ("COFFRE_DATABASES__0__HOST", "db.internal"),
            ("COFFRE_Databases__0__Port", "6543"),
            ("COFFRE_Retention__Daily", "7"),
            ("COFFRE_APPLICATION", "other"),
            ("COFFRE_PASSWORD", "not a key"),      // the command line's variables are not configuration keys
            ("COFFRE_REPOSITORY", "/elsewhere"),
            ("HOME", _f.PathOf("home")));
        var c = _f.Load(ConfigFixture.ValidJson, env);
        Assert.Equal("/mnt/backups", c.Repository.Path);
        Assert.Equal(("db.internal", 6543), (c.Databases[0].Host, c.Databases[0].Port));
        Assert.Equal(7, c.Retention.Daily);
        Assert.Equal("other", c.Application);
        Assert.Empty(ConfigValidator.Validate(c));
    }

    [Fact]
    public void AnUnknownKeyFromTheEnvironmentNamesTheVariable()
    {
        var c = _f.Load(ConfigFixture.ValidJson, Env(("COFFRE_Repository__Pth", "/x")));
        var e = Assert.Single(ConfigValidator.Validate(c));
        Assert.Equal("repository.Pth", e.Key); // as spelt
        Assert.Contains("COFFRE_Repository__Pth", e.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean \"path\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RelativePathsResolveAgainstTheFilesFolder()
    {
        var file = _f.Write("""
            { "application": "a",
              "repository": { "path": "../backups", "passwordFile": "~/.config/coffre/pw" },
              "databases": [ { "engine": "sqlite", "path": "./db/../data/app.sqlite3" } ],
              "media": [ { "path": "/srv/media" }, { "path": "~" } ],
              "logging": { "path": "logs/" } }
            """, "conf/coffre.json");
        var home = _f.PathOf("home");
        var c = ConfigLoader.Load(file, Env(("HOME", home)));
        Assert.Equal(_f.PathOf("backups"), c.Repository.Path);
        Assert.Equal(Path.Combine(home, ".config/coffre/pw"), c.Repository.PasswordFile);
        Assert.Equal(_f.PathOf("conf/data/app.sqlite3"), c.Databases[0].Path);
        Assert.Equal("/srv/media", c.Media[0].Path);
        Assert.Equal(home, c.Media[1].Path);
        Assert.Equal(_f.PathOf("conf/logs"), c.Logging.Path);
    }

    [Fact]
    public void AFolderMeansItsCoffreJson()
    {
        _f.Write(ConfigFixture.ValidJson);
        Assert.Equal(_f.PathOf("coffre.json"), ConfigLoader.Load(_f.Dir, Env()).FilePath);
    }

    [Fact]
    public void AMissingFileSaysWhereItLookedAndHowToCreateOne()
    {
        var missing = _f.PathOf("nope.json");
        var e = Assert.Throws<CoffreException>(() => ConfigLoader.Load(missing, Env()));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Contains("samples/coffre.json", e.Message, StringComparison.Ordinal);

        var inFolder = Assert.Throws<CoffreException>(() => ConfigLoader.Load(_f.PathOf("media"), Env()));
        Assert.Contains($"no coffre.json in {_f.PathOf("media")}", inFolder.Message, StringComparison.Ordinal);
        Assert.Contains("samples/coffre.json", inFolder.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"application\": \"a\",, }", "line 1")]
    [InlineData("[ 1, 2 ]", "must be an object")]
    [InlineData("", "line 1")]
    public void InvalidJsonIsACoffreException(string json, string expected)
    {
        var e = Assert.Throws<CoffreException>(() => _f.Load(json));
        Assert.Contains("is not valid JSON", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommentsAndTrailingCommasAreAllowed()
    {
        var c = _f.Load("""
            // a comment
            { "application": "a", /* inline */ "repository": { "passwordEnv": "P", }, "media": [ { "path": "media", }, ], }
            """);
        Assert.Equal("a", c.Application);
        Assert.Empty(ConfigValidator.Validate(c));
    }

    [Fact]
    public void KeysAreCaseInsensitive()
    {
        var c = _f.Load("""{ "Application": "a", "REPOSITORY": { "PasswordEnv": "P" }, "Media": [ { "PATH": "media" } ] }""");
        Assert.Equal(("a", "P"), (c.Application, c.Repository.PasswordEnv));
        Assert.Empty(ConfigValidator.Validate(c));
    }

    [Fact]
    public void EmptyListsAndNullsAreAllowed()
    {
        var c = _f.Load("""{ "application": "a", "repository": { "passwordEnv": "P", "passwordFile": null }, "databases": [], "media": [ { "path": "media", "exclude": [] } ], "alerts": {} }""");
        Assert.Empty(ConfigValidator.Validate(c));
    }
}

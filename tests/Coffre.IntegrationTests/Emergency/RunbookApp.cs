using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;

namespace Coffre.IntegrationTests.Emergency;

/// <summary>
/// The application an emergency happens to: the SQLite shop of the restore tests (a database and media), its
/// coffre.json naming the repository and a password file (as docs/emergency.md assumes), and the values of the
/// variables the runbook defines at its top.
/// </summary>
internal sealed class RunbookApp
{
    public RunbookApp(TestDirectory dir, string? repository = null, string? configExtra = null)
    {
        Dir = dir;
        App = new SqliteApp(dir);
        PasswordFile = dir.Sub("shop.pw");
        File.WriteAllText(PasswordFile, TestPasswords.Default + "\n");
        File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Repository = repository ?? dir.Sub("backups");
        Config = Path.Combine(App.Root, "coffre.json");
        File.WriteAllText(Config, $$"""
            { "application": "shop",
              "repository": { "path": {{JsonSerializer.Serialize(Repository)}}, "passwordFile": {{JsonSerializer.Serialize(PasswordFile)}} },
              "databases": [ { "name": "main", "engine": "sqlite", "path": "data/app.sqlite3" } ],
              "media": [ { "path": {{JsonSerializer.Serialize(App.Media)}}, "name": "media", "exclude": [ "cache/**" ] } ]{{configExtra}} }
            """);
        Coffre = new CoffreRunner(null, password: null) { WorkingDirectory = App.Root };
        Variables = new Dictionary<string, string>
        {
            ["COFFRE_CONFIG"] = Config,
            ["APP_SERVICE"] = "shop",
            ["PASSWORD_FILE"] = PasswordFile,
            ["SNAPSHOT"] = "latest",
            ["REPOSITORY"] = Repository,
            ["OFFSITE"] = dir.Sub("no-offsite"),
            ["SCRATCH"] = dir.Sub("scratch"),
        };
    }

    public TestDirectory Dir { get; }
    public SqliteApp App { get; }
    public string PasswordFile { get; }
    public string Repository { get; }
    public string Config { get; }

    /// <summary>coffre in the application's folder: coffre.json and its password file, nothing from the environment.</summary>
    public CoffreRunner Coffre { get; }

    /// <summary>The runbook's variables (docs/emergency.md, its first block), for this application.</summary>
    public Dictionary<string, string> Variables { get; }

    /// <summary>The recovery code <see cref="Init"/> was given.</summary>
    public string RecoveryCode { get; private set; } = "";

    public void Init() => RecoveryCode = Coffre.Json("init").GetProperty("recovery_key").GetString()!;

    /// <summary>An application backup; its snapshot ID.</summary>
    public string Backup() => Coffre.Json("backup").GetProperty("snapshot_id").GetString()!;

    /// <summary>The state of the application: the database's integrity and row counts, and every uploaded file's hash.</summary>
    public string State() => SqliteApp.Fingerprint(App.Database) + "\n" + string.Join('\n', SqliteApp.Listing(Path.Combine(App.Media, "uploads")));

    public RunbookShell Shell() => new(Dir, Variables);
}

using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Jobs.BadInput;

/// <summary>
/// An application to break: a folder holding coffre.json, a media folder (<c>uploads</c>) and a repository that
/// already holds one complete backup of it. A test adds its databases, calls <see cref="Start"/> (init and the first
/// backup), breaks one thing (the configuration, a server, a file, the disk), runs <c>coffre backup</c> again and
/// checks with <see cref="AssertUntouched"/> that the failure left the repository, the media and the first backup as
/// they were. The repository password comes from the variable the configuration names
/// (<see cref="RepoPasswordVariable"/>), not from COFFRE_PASSWORD.
/// </summary>
internal sealed class BrokenApp : IDisposable
{
    public const string RepoPasswordVariable = "APP_REPO_PASSWORD";
    public const string DbPasswordVariable = "APP_DB_PASSWORD";

    private readonly TestDirectory _dir;
    private SortedDictionary<string, string> _mediaBefore = [];
    private SortedDictionary<string, string> _repoBefore = [];
    private List<string> _snapshotsBefore = [];
    private Dictionary<string, string> _firstBackupMedia = [];

    /// <param name="asNobody">Run coffre as nobody (when the tests run as root), the application's files owned by nobody.</param>
    public BrokenApp(bool asNobody = false)
    {
        _dir = new TestDirectory("app");
        AsNobody = asNobody && Posix.EffectiveUserId == 0;
        Folder = _dir.CreateSub("shop");
        Media = Path.Combine(Folder, "uploads");
        Directory.CreateDirectory(Path.Combine(Media, "2024"));
        RawFiles.WriteRandom(UnixPath.FromString(Path.Combine(Media, "logo.png")), 20_000, seed: 1);
        RawFiles.WriteRandom(UnixPath.FromString(Path.Combine(Media, "2024", "photo-1.jpg")), 300_000, seed: 2);
        File.WriteAllText(Path.Combine(Media, "2024", "notes.txt"), "commande n°42 livrée\n");
        Config = new JsonObject
        {
            ["application"] = "shop",
            ["repository"] = new JsonObject { ["path"] = "repo", ["passwordEnv"] = RepoPasswordVariable },
            ["databases"] = new JsonArray(),
            ["media"] = new JsonArray(new JsonObject { ["path"] = "uploads" }),
        };
        Coffre = new CoffreRunner(null, null) { WorkingDirectory = Folder, AsNobody = AsNobody };
        Coffre.Environment[RepoPasswordVariable] = TestPasswords.Default;
    }

    public bool AsNobody { get; }
    public TestDirectory Dir => _dir;

    /// <summary>The folder holding coffre.json (coffre runs there).</summary>
    public string Folder { get; }

    public string Media { get; }
    /// <summary>The repository coffre.json names (absolute).</summary>
    public string Repository => Path.GetFullPath(Path.Combine(Folder, (string)Config["repository"]!["path"]!));
    public string ConfigPath => Path.Combine(Folder, "coffre.json");
    public JsonObject Config { get; }
    public JsonArray Databases => Config["databases"]!.AsArray();
    public JsonObject Database(int i) => Databases[i]!.AsObject();
    public CoffreRunner Coffre { get; }
    public string FirstSnapshot { get; private set; } = "";

    /// <summary>Writes coffre.json, creates the repository and takes the first (complete) backup.</summary>
    public void Start()
    {
        Save();
        if (AsNobody) Scenarios.ChownTree(UnixPath.FromString(Folder), 65534, 65534);
        Coffre.Ok("init");
        var summary = Coffre.Json("backup");
        Assert.Equal("complete", summary.GetProperty("status").GetString());
        FirstSnapshot = summary.GetProperty("snapshot_id").GetString()!;
        _firstBackupMedia = Contents(Media);
        Remember();
    }

    public void Save() => File.WriteAllText(ConfigPath, Config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Takes the "before" picture that <see cref="AssertUntouched"/> compares with (again, after a test's own changes).</summary>
    public void Remember()
    {
        _snapshotsBefore = RepoInspector.Snapshots(Repository);
        _mediaBefore = State(Media);
        _repoBefore = State(Repository);
    }

    public ProcessResult Backup(params string[] options) => Coffre.Run(["backup", .. options]);

    /// <summary>
    /// After a failed run: no new snapshot, no lock, nothing half-written; the media as they were; coffre check
    /// and restic check --read-data accept the repository; the first backup restores to the media it was taken of.
    /// <paramref name="repositoryUnchanged"/>: not a single file or folder of the repository changed (not even a
    /// lock taken and released): for runs that must refuse before they touch the repository. <paramref name="newSnapshots"/>:
    /// the snapshots the run may add (an incomplete backup is still written).
    /// </summary>
    public void AssertUntouched(bool repositoryUnchanged = false, int newSnapshots = 0)
    {
        if (repositoryUnchanged) AssertEqual(_repoBefore, State(Repository), "the repository changed");
        var snapshots = RepoInspector.Snapshots(Repository);
        Assert.Subset(snapshots.ToHashSet(), _snapshotsBefore.ToHashSet());
        Assert.Equal(_snapshotsBefore.Count + newSnapshots, snapshots.Count);
        Assert.Empty(RepoInspector.Locks(Repository));
        RepoInspector.AssertNoPartialObjects(Repository);
        AssertEqual(_mediaBefore, State(Media), "the media folder changed");
        Verify.RepositoryIntact(Repository);
        AssertFirstBackupRestores();
    }

    public void AssertFirstBackupRestores()
    {
        var target = _dir.Sub("restore-first-" + Guid.NewGuid().ToString("N")[..6]);
        new CoffreRunner(Repository).Restore(FirstSnapshot, target);
        Assert.Equal(_firstBackupMedia, Contents(Path.Combine(target, "media", "uploads")));
        Assert.True(File.Exists(Path.Combine(target, "metadata.json")), "the first backup has no metadata.json");
    }

    /// <summary>metadata.json of the newest backup, read back through restic.</summary>
    public JsonElement LatestMetadata()
    {
        var r = new ResticRunner(Repository).Ok("dump", "latest", "/metadata.json");
        using var doc = JsonDocument.Parse(r.StdOut);
        return doc.RootElement.Clone();
    }

    // ---- databases ----

    public static JsonObject PostgreSql(string database) => new()
    {
        ["name"] = "main",
        ["engine"] = "postgresql",
        ["host"] = TestServers.Pg("HOST"),
        ["port"] = TestServers.PgPort,
        ["database"] = database,
        ["user"] = TestServers.Pg("USER"),
        ["passwordEnv"] = DbPasswordVariable,
    };

    public static JsonObject MySql(string database) => new()
    {
        ["name"] = "shop",
        ["engine"] = "mysql",
        ["host"] = TestServers.My("HOST"),
        ["port"] = TestServers.MyPort,
        ["database"] = database,
        ["user"] = TestServers.My("USER"),
        ["passwordEnv"] = DbPasswordVariable,
    };

    /// <summary>Creates data/shop.sqlite (rollback journal, <paramref name="rows"/> rows) and returns its section.</summary>
    public JsonObject Sqlite(int rows = 300)
    {
        var path = SqlitePath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var r = Infrastructure.ProcessRunner.Run("/usr/bin/python3", ["-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table products(id integer primary key, name text)'); " +
            "c.executemany('insert into products(name) values (?)', [('produit n°%d' % i,) for i in range(int(sys.argv[2]))]); c.commit()",
            path, rows.ToString(System.Globalization.CultureInfo.InvariantCulture)], new Dictionary<string, string?>());
        Assert.True(r.ExitCode == 0, r.Describe());
        return new JsonObject { ["name"] = "catalog", ["engine"] = "sqlite", ["path"] = "data/shop.sqlite" };
    }

    public string SqlitePath => Path.Combine(Folder, "data", "shop.sqlite");

    /// <summary>A file's content hash, size, mode and mtime, and which SQLite side files sit next to it.</summary>
    public static string FileState(string path)
    {
        var info = new FileInfo(path);
        var sides = string.Join(",", new[] { "-journal", "-wal", "-shm" }.Where(s => File.Exists(path + s)));
        return info.Exists
            ? $"{Sha256(path)} {info.Length} {File.GetUnixFileMode(path)} {info.LastWriteTimeUtc.Ticks} [{sides}]"
            : $"missing [{sides}]";
    }

    // ---- pictures of folders ----

    /// <summary>Every entry below <paramref name="root"/>: folders with their mode, files with hash, size, mode and mtime.</summary>
    public static SortedDictionary<string, string> State(string root)
    {
        var state = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(root)) return state;
        foreach (var entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(root, entry);
            state[rel] = Directory.Exists(entry)
                ? $"dir {File.GetUnixFileMode(entry)} {Directory.GetLastWriteTimeUtc(entry).Ticks}"
                : FileState(entry);
        }
        return state;
    }

    /// <summary>Relative path → content hash of every file below <paramref name="root"/>.</summary>
    private static Dictionary<string, string> Contents(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), Sha256);

    private static string Sha256(string path)
    {
        // Root reads a file of mode 0000 too; as another user such a file shows as unreadable.
        try { return Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))); }
        catch (UnauthorizedAccessException) { return "unreadable"; }
    }

    private static void AssertEqual(SortedDictionary<string, string> before, SortedDictionary<string, string> after, string what)
    {
        var changes = before.Keys.Union(after.Keys)
            .Where(k => !before.TryGetValue(k, out var b) || !after.TryGetValue(k, out var a) || a != b)
            .Select(k => $"{k}: {(before.TryGetValue(k, out var b) ? b : "(absent)")} -> {(after.TryGetValue(k, out var a) ? a : "(absent)")}")
            .ToList();
        Assert.True(changes.Count == 0, $"{what}:\n{string.Join("\n", changes)}");
    }

    public void Dispose() => _dir.Dispose();
}

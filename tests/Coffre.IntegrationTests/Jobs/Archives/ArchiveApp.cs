using System.Security.Cryptography;
using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Jobs.Archives;

/// <summary>
/// A small application for the archive tests: coffre.json (application "shop"), a SQLite database "main" with 300
/// rows, and a media folder "uploads" with sub-folders, an empty folder, non-ASCII names, a 0640 file, a file with a
/// nanosecond mtime and a symlink. <see cref="Coffre"/> runs the real coffre command in the application's folder.
/// </summary>
internal sealed class ArchiveApp : IDisposable
{
    public const string Application = "shop";
    private readonly TestDirectory _dir;

    public ArchiveApp(string purpose)
    {
        _dir = new TestDirectory(purpose);
        Root = _dir.CreateSub("app");
        Media = Path.Combine(Root, "media", "uploads");
        Directory.CreateDirectory(Path.Combine(Media, "produits", "2026"));
        Directory.CreateDirectory(Path.Combine(Media, "vide"));
        File.WriteAllText(Path.Combine(Media, "produits", "2026", "bannière été.png"), "not really a png\n");
        RawFiles.WriteRandom(UnixPath.FromString(Path.Combine(Media, "produits", "2026", "photo.jpg")), 300_000, seed: 7);
        RawFiles.Write(UnixPath.FromString(Path.Combine(Media, "facture-0042.txt")), "facture\n", 0x1A0 /* 0640 */);
        RawFiles.SetMtime(UnixPath.FromString(Path.Combine(Media, "facture-0042.txt")), 1_700_000_000, 123_456_789);
        Posix.Symlink("produits/2026/photo.jpg"u8, UnixPath.FromString(Path.Combine(Media, "derniere-photo.jpg")));
        Directory.CreateDirectory(Path.Combine(Root, "data"));
        Sqlite = Path.Combine(Root, "data", "app.sqlite3");
        ProcessRunner.Run("/usr/bin/python3", ["-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); " +
            "c.execute('create table clients(id integer primary key, nom text)'); " +
            "c.executemany('insert into clients(nom) values (?)', [('client n°%d' % i,) for i in range(300)]); c.commit()", Sqlite], new Dictionary<string, string?>());
        WriteConfig(Root, "repo");
        Coffre = new CoffreRunner(null) { WorkingDirectory = Root };
    }

    public string Root { get; }
    public string Media { get; }
    public string Sqlite { get; }
    public CoffreRunner Coffre { get; }
    public string Repository => Path.Combine(Root, "repo");

    /// <summary>A path in the test's folder (outside the application).</summary>
    public string Sub(string relative) => _dir.Sub(relative);

    public string CreateSub(string relative) => _dir.CreateSub(relative);

    /// <summary>The configuration of the application, with its repository at <paramref name="repository"/> (relative to <paramref name="folder"/>).</summary>
    public static void WriteConfig(string folder, string repository, string databases = """[ { "name": "main", "engine": "sqlite", "path": "data/app.sqlite3" } ]""") =>
        File.WriteAllText(Path.Combine(folder, "coffre.json"), $$"""
            { "application": "{{Application}}",
              "repository": { "path": "{{repository}}", "passwordEnv": "COFFRE_PASSWORD" },
              "databases": {{databases}},
              "media": [ { "path": "media/uploads" } ] }
            """);

    /// <summary>init + backup; the snapshot's ID.</summary>
    public string InitAndBackup()
    {
        Coffre.Ok("init");
        return Coffre.Json("backup").GetProperty("snapshot_id").GetString()!;
    }

    /// <summary><c>coffre ls --json</c> of a snapshot: one JSON object per line.</summary>
    public static List<string> Ls(CoffreRunner coffre, string snapshot, params string[] options) =>
        [.. coffre.Ok([.. options, "ls", snapshot, "--json"]).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    public static JsonElement ReadJsonLine(string line)
    {
        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.Clone();
    }

    public static string Sha256(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    public static JsonElement ReadJson(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        return doc.RootElement.Clone();
    }

    /// <summary>
    /// The sidecar as the old script wrote it (Python's json.dump): its fields, sha256 of the file, size in MiB
    /// rounded to 2 decimals.
    /// </summary>
    public static void WriteScriptSidecar(string archive, string timestamp, string datetime, string database) =>
        Python("""
            import hashlib, json, os, sys
            f, ts, dt, db = sys.argv[1:5]
            meta = {"backup_file": os.path.basename(f), "timestamp": ts, "datetime": dt, "database": db, "type": "COMPLETE",
                    "size_mb": round(os.path.getsize(f) / (1024 * 1024), 2), "hash": hashlib.sha256(open(f, "rb").read()).hexdigest(),
                    "includes": ["database", "media", "documents"], "status": "completed"}
            json.dump(meta, open(f + ".json", "w"), indent=2, ensure_ascii=False)
            """, archive, timestamp, datetime, database);

    public static ProcessResult Python(string script, params string[] args)
    {
        var r = ProcessRunner.Run("/usr/bin/python3", ["-c", script, .. args], new Dictionary<string, string?>());
        Assert.True(r.ExitCode == 0, r.Describe());
        return r;
    }

    public static ProcessResult Tar(string workingDirectory, params string[] args)
    {
        var r = ProcessRunner.Run("/usr/bin/tar", args, new Dictionary<string, string?> { ["LC_ALL"] = "C.UTF-8" }, workingDirectory: workingDirectory);
        Assert.True(r.ExitCode == 0, r.Describe());
        return r;
    }

    public void Dispose() => _dir.Dispose();
}

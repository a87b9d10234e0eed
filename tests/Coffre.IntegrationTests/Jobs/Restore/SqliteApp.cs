using System.Security.Cryptography;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Jobs.Restore;

/// <summary>A small application for restore tests: a SQLite database (WAL), media with uploads and an excluded cache, coffre.json.</summary>
internal sealed class SqliteApp
{
    public SqliteApp(TestDirectory dir, string? hooks = null, string? mediaPath = null)
    {
        Root = dir.CreateSub("app");
        Media = mediaPath ?? Path.Combine(Root, "media");
        Directory.CreateDirectory(Path.Combine(Media, "uploads", "2024"));
        Directory.CreateDirectory(Path.Combine(Media, "cache"));
        File.WriteAllText(Path.Combine(Media, "uploads", "2024", "photo.jpg"), "jpeg bytes");
        File.WriteAllText(Path.Combine(Media, "uploads", "2024", "reçu n°1.pdf"), "pdf bytes");
        File.WriteAllBytes(Path.Combine(Media, "uploads", "big.bin"), RandomNumberGenerator.GetBytes(3 << 20));
        File.WriteAllText(Path.Combine(Media, "uploads", "notes.txt"), "notes");
        File.WriteAllText(Path.Combine(Media, "cache", "thumb.bin"), "regenerated");
        Directory.CreateDirectory(Path.Combine(Root, "data"));
        Database = Path.Combine(Root, "data", "app.sqlite3");
        Sql("pragma journal_mode=wal; create table products(id integer primary key, name text); create table orders(id integer primary key, product int);",
            "c.executemany('insert into products(name) values (?)', [('produit n°%d' % i,) for i in range(500)])",
            "c.executemany('insert into orders(product) values (?)', [(i % 500,) for i in range(1200)])");
        File.WriteAllText(Path.Combine(Root, "coffre.json"), $$"""
            { "application": "shop",
              "repository": { "path": "repo", "passwordEnv": "COFFRE_PASSWORD" },
              "databases": [ { "name": "main", "engine": "sqlite", "path": "data/app.sqlite3" } ],
              "media": [ { "path": "{{Media}}", "name": "media", "exclude": [ "cache/**" ] } ]{{(hooks is null ? "" : ",\n  \"hooks\": " + hooks)}} }
            """);
        Coffre = new CoffreRunner(null) { WorkingDirectory = Root };
    }

    public string Root { get; }
    public string Media { get; }
    public string Database { get; }
    public CoffreRunner Coffre { get; }
    public string Repo => Path.Combine(Root, "repo");

    /// <summary>Runs SQL (a script) and Python statements on the database (c is the connection).</summary>
    public string Sql(string script, params string[] python)
    {
        var code = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); "
                   + string.Concat(python.Select(p => p + "; ")) + "c.commit()";
        return ProcessRunner.Run("/usr/bin/python3", ["-c", code, Database, script], new Dictionary<string, string?>()).StdOut;
    }

    /// <summary>Integrity check and row counts of a SQLite file: "ok 500 1200" when intact.</summary>
    public static string Fingerprint(string file) => ProcessRunner.Run("/usr/bin/python3", ["-c",
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); t=[r[0] for r in c.execute(\"select name from sqlite_master where type='table' order by name\")]; "
        + "print(c.execute('pragma integrity_check').fetchone()[0], ' '.join('%s=%d' % (n, c.execute('select count(*) from \"%s\"' % n).fetchone()[0]) for n in t))", file],
        new Dictionary<string, string?>()).StdOut.Trim();

    /// <summary>Every file and symlink under a folder with its content hash, sorted: equal when the folders hold the same things.</summary>
    public static List<string> Listing(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(folder, f) + " " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))))
        .Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Backs up (<c>coffre backup</c>), then has a bad day (<see cref="Damage"/>): the backup's ID and the state
    /// before (database, uploads) and after (database, all media), for a restore to be compared with.
    /// </summary>
    public BadDay BackUpThenDamage()
    {
        var backup = Coffre.Json("backup").GetProperty("snapshot_id").GetString()!;
        var (database, uploads) = (Fingerprint(Database), Listing(Path.Combine(Media, "uploads")));
        Damage();
        var day = new BadDay(backup, database, uploads, Fingerprint(Database), Listing(Media));
        Assert.NotEqual(day.Database, day.DamagedDatabase);
        return day;
    }

    /// <summary>Changes database and media the way a bad day does.</summary>
    public void Damage()
    {
        Sql("delete from orders where id > 100; drop table products; create table intruder(x);");
        File.WriteAllText(Path.Combine(Media, "uploads", "2024", "photo.jpg"), "overwritten by mistake");
        File.Delete(Path.Combine(Media, "uploads", "notes.txt"));
        File.WriteAllText(Path.Combine(Media, "uploads", "added-after.txt"), "new upload");
        File.WriteAllText(Path.Combine(Media, "cache", "thumb2.bin"), "new cache entry");
    }
}

/// <summary>What <see cref="SqliteApp.BackUpThenDamage"/> saw: the backup, and the fingerprints before and after the damage.</summary>
internal sealed record BadDay(string Backup, string Database, List<string> Uploads, string DamagedDatabase, List<string> DamagedMedia);

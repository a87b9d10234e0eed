using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Jobs;

/// <summary>
/// `coffre backup` with a coffre.json: a SQLite database and a media folder become one snapshot with the
/// application layout, tagged coffre and app:NAME, listed by `coffre list`, readable and checkable by restic.
/// </summary>
public class ApplicationBackupCliTests
{
    [Fact]
    public void Backup_from_the_configuration_stores_database_media_and_metadata()
    {
        using var dir = new TestDirectory("appbackup");
        var app = dir.CreateSub("app");
        Directory.CreateDirectory(Path.Combine(app, "media", "uploads"));
        Directory.CreateDirectory(Path.Combine(app, "media", "cache"));
        File.WriteAllText(Path.Combine(app, "media", "uploads", "photo.jpg"), "jpeg bytes");
        File.WriteAllText(Path.Combine(app, "media", "cache", "thumb.bin"), "regenerated");
        Directory.CreateDirectory(Path.Combine(app, "data"));
        var db = Path.Combine(app, "data", "app.sqlite3");
        ProcessRunner.Run("/usr/bin/python3", ["-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('pragma journal_mode=wal'); " +
            "c.execute('create table products(id integer primary key, name text)'); " +
            "c.executemany('insert into products(name) values (?)', [('produit n°%d' % i,) for i in range(500)]); c.commit()", db], new Dictionary<string, string?>());
        File.WriteAllText(Path.Combine(app, "coffre.json"), """
            { "application": "shop",
              "repository": { "path": "repo", "passwordEnv": "COFFRE_PASSWORD" },
              "databases": [ { "name": "main", "engine": "sqlite", "path": "data/app.sqlite3" } ],
              "media": [ { "path": "media", "exclude": [ "cache/**" ] } ] }
            """);
        var coffre = new CoffreRunner(null) { WorkingDirectory = app };
        coffre.Ok("init");
        var summary = coffre.Json("backup");
        Assert.Equal("complete", summary.GetProperty("status").GetString());
        coffre.Ok("backup");

        var list = coffre.Json("list");
        Assert.Equal(2, list.GetArrayLength());
        var newest = list[0];
        Assert.Matches("^[0-9]{8}_[0-9]{6}$", newest.GetProperty("date").GetString()!);
        var meta = newest.GetProperty("metadata");
        Assert.Equal(500, meta.GetProperty("databases")[0].GetProperty("tables").GetProperty("main.products").GetInt64());
        Assert.Equal(1, meta.GetProperty("media")[0].GetProperty("files").GetInt64());

        var restic = new ResticRunner(Path.Combine(app, "repo"));
        restic.AssertCheckReadData();
        var snapshots = restic.Snapshots();
        Assert.All(snapshots, s => Assert.Contains("app:shop", s.GetProperty("tags").EnumerateArray().Select(t => t.GetString())));
        restic.Ok("restore", "latest", "--target", dir.Sub("out"));
        Assert.Equal("jpeg bytes", File.ReadAllText(dir.Sub("out/media/media/uploads/photo.jpg")));
        Assert.False(Directory.Exists(dir.Sub("out/media/media/cache")));
        Assert.True(File.Exists(dir.Sub("out/database/main.sqlite")));
        using var metadata = JsonDocument.Parse(File.ReadAllText(dir.Sub("out/metadata.json")));
        Assert.Equal("shop", metadata.RootElement.GetProperty("application").GetString());
        var check = ProcessRunner.Run("/usr/bin/python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('pragma integrity_check').fetchone()[0], c.execute('select count(*) from products').fetchone()[0])", dir.Sub("out/database/main.sqlite")], new Dictionary<string, string?>());
        Assert.Equal("ok 500", check.StdOut.Trim());
    }
}

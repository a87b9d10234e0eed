using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Jobs.Restore;

/// <summary>
/// `coffre restore` with a coffre.json (SQLite + media): in place after a bad day, with the question, the safety
/// snapshot and a rollback; elsewhere with --target, --include, --only and --to-database; by date stamp.
/// </summary>
public class SqliteApplicationRestoreTests
{
    [Fact]
    public void In_place_restore_asks_takes_a_safety_snapshot_verifies_and_can_be_rolled_back()
    {
        using var dir = new TestDirectory("apprestore");
        var app = new SqliteApp(dir);
        var coffre = app.Coffre;
        coffre.Ok("init");
        var backup = coffre.Json("backup").GetProperty("snapshot_id").GetString()!;
        var original = SqliteApp.Fingerprint(app.Database);
        var originalMedia = SqliteApp.Listing(Path.Combine(app.Media, "uploads"));
        app.Damage();
        var damaged = SqliteApp.Fingerprint(app.Database);
        var damagedMedia = SqliteApp.Listing(app.Media);
        Assert.NotEqual(original, damaged);

        // No terminal and no --force: the plan is shown, nothing is touched.
        var refused = coffre.Run("restore", "latest");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--force", refused.StdErr);
        Assert.Contains("1 OVERWRITTEN, 1 REMOVED", refused.StdOut);
        Assert.Contains("1 created", refused.StdOut);
        Assert.Equal(damaged, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(damagedMedia, SqliteApp.Listing(app.Media));
        Assert.Single(coffre.Json("list").EnumerateArray());

        var result = coffre.Json("restore", "latest", "--force");
        Assert.True(result.GetProperty("verified").GetBoolean());
        Assert.Equal(original, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(originalMedia, SqliteApp.Listing(Path.Combine(app.Media, "uploads")));
        // The excluded cache was never in the backup: left alone, new entry included.
        Assert.Equal("new cache entry", File.ReadAllText(Path.Combine(app.Media, "cache", "thumb2.bin")));
        Assert.Equal(1700, result.GetProperty("databases")[0].GetProperty("rows").GetInt64());

        // The safety snapshot holds the damaged state, is listed as such, and `latest` still means the backup.
        var safety = result.GetProperty("safety_snapshot_id").GetString()!;
        var list = coffre.Json("list");
        Assert.Equal(2, list.GetArrayLength());
        Assert.Contains("pre-restore", list[0].GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(safety, list[0].GetProperty("id").GetString());
        var again = coffre.Json("restore", "latest", "--force", "--only", "database");
        Assert.Equal(backup, again.GetProperty("snapshot_id").GetString());

        // Roll back: the damaged state comes back, byte for byte.
        coffre.Ok("restore", safety[..8], "--force");
        Assert.Equal(damaged, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(damagedMedia, SqliteApp.Listing(app.Media));
        new ResticRunner(app.Repo).AssertCheckReadData();
    }

    [Fact]
    public void Restores_elsewhere_touch_nothing_in_place()
    {
        using var dir = new TestDirectory("apprestore-elsewhere");
        var app = new SqliteApp(dir);
        var coffre = app.Coffre;
        coffre.Ok("init");
        coffre.Ok("backup");
        var original = SqliteApp.Fingerprint(app.Database);
        var originalUploads = SqliteApp.Listing(Path.Combine(app.Media, "uploads"));
        app.Damage();
        var damaged = SqliteApp.Fingerprint(app.Database);
        var damagedMedia = SqliteApp.Listing(app.Media);
        var stamp = coffre.Json("list")[0].GetProperty("date").GetString()!;

        // --target: everything under a folder, no question (nothing in place is overwritten), no safety snapshot.
        var all = dir.Sub("all");
        var r = coffre.Json("restore", stamp, "--target", all);
        Assert.Null(r.GetProperty("safety_snapshot_id").GetString());
        Assert.Equal(original, SqliteApp.Fingerprint(Path.Combine(all, "database", "main.sqlite")));
        Assert.Equal(originalUploads, SqliteApp.Listing(Path.Combine(all, "media", "media", "uploads")));

        // --include one media path.
        var some = dir.Sub("some");
        coffre.Ok("restore", "latest", "--target", some, "--include", "media/media/uploads/2024");
        Assert.Equal(["photo.jpg", "reçu n°1.pdf"], Directory.GetFiles(Path.Combine(some, "media", "media", "uploads", "2024")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(some, "media", "media", "uploads", "notes.txt")));
        Assert.False(Directory.Exists(Path.Combine(some, "database")));

        // --only database --to-database FILE: a new SQLite file; an existing one is refused.
        var copy = dir.Sub("copy.sqlite3");
        coffre.Ok("restore", "latest", "--only", "database", "--to-database", copy);
        Assert.Equal(original, SqliteApp.Fingerprint(copy));
        var exists = coffre.Run("restore", "latest", "--only", "database", "--to-database", copy);
        Assert.Equal(1, exists.ExitCode);
        Assert.Contains("exists already", exists.StdErr);

        // A non-empty target is refused before anything is written.
        var occupied = coffre.Run("restore", "latest", "--target", all);
        Assert.Equal(1, occupied.ExitCode);
        Assert.Contains("choose an empty --target folder", occupied.StdErr);

        Assert.Equal(damaged, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(damagedMedia, SqliteApp.Listing(app.Media));
        Assert.Single(coffre.Json("list").EnumerateArray());
    }

    [Fact]
    public void Unknown_backups_and_bad_selections_are_refused_with_a_clear_message()
    {
        using var dir = new TestDirectory("apprestore-bad");
        var app = new SqliteApp(dir);
        var coffre = app.Coffre;
        coffre.Ok("init");
        var empty = coffre.Run("restore", "latest", "--force");
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("no backup of shop yet", empty.StdErr);
        coffre.Ok("backup");
        foreach (var (args, expected) in new (string[], string)[]
                 {
                     (["restore", "19990101_000000", "--force"], "no backup of shop is named 19990101_000000"),
                     (["restore", "not-an-id", "--force"], "names no backup"),
                     (["restore", "latest", "--only", "everything", "--force"], "--only database or --only media"),
                     (["restore", "latest", "--include", "etc/passwd", "--force"], "name a path under one of them"),
                     (["restore", "latest", "--database", "other", "--force"], "no database named other"),
                     (["restore", "latest", "--only", "media", "--to-database", "x", "--force"], "do not go together"),
                 })
        {
            var r = coffre.Run(args);
            Errors.AssertOneLine(r, 1, expected);
        }
    }
}

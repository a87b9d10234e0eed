using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Jobs.Restore;

/// <summary>
/// `coffre restore FILE.tar.gz` (relative or absolute path): the archive's SHA-256 is checked against its sidecar,
/// then it is restored like a backup (plan, safety snapshot, verification); a damaged archive changes nothing.
/// </summary>
public class ArchiveRestoreTests
{
    [Fact]
    public void An_exported_archive_restores_the_application_and_a_damaged_one_is_refused()
    {
        using var dir = new TestDirectory("archive-restore");
        var app = new SqliteApp(dir);
        var coffre = app.Coffre;
        coffre.Ok("init");
        coffre.Ok("backup");
        var original = SqliteApp.Fingerprint(app.Database);
        var originalUploads = SqliteApp.Listing(Path.Combine(app.Media, "uploads"));
        coffre.Ok("export", "latest", "backup_complet_shop.tar.gz");
        app.Damage();
        var damaged = SqliteApp.Fingerprint(app.Database);
        var damagedMedia = SqliteApp.Listing(app.Media);

        // A damaged copy (one byte flipped, sidecar copied along): refused on the hash, nothing changes.
        var bad = Path.Combine(dir.CreateSub("elsewhere"), "backup_complet_shop.tar.gz");
        var bytes = File.ReadAllBytes(Path.Combine(app.Root, "backup_complet_shop.tar.gz"));
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(bad, bytes);
        File.Copy(Path.Combine(app.Root, "backup_complet_shop.tar.gz.json"), bad + ".json");
        var refused = coffre.Run("restore", bad, "--force");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("SHA-256", refused.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(damaged, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(damagedMedia, SqliteApp.Listing(app.Media));
        Assert.Single(coffre.Json("list").EnumerateArray());

        // The sound archive, by a relative path: checked, imported, restored in place and verified.
        var r = coffre.Run("restore", "./backup_complet_shop.tar.gz", "--force");
        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Contains("SHA-256 verified", r.StdOut);
        Assert.Contains("done and verified", r.StdOut);
        Assert.Equal(original, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(originalUploads, SqliteApp.Listing(Path.Combine(app.Media, "uploads")));
        var tags = coffre.Json("list").EnumerateArray().SelectMany(b => b.GetProperty("tags").EnumerateArray().Select(t => t.GetString())).ToList();
        Assert.Contains("imported", tags);
        Assert.Contains("pre-restore", tags);

        var missing = coffre.Run("restore", Path.Combine(dir.Path, "nope.tar.gz"), "--force");
        Errors.AssertOneLine(missing, 1, "no archive at");
    }
}

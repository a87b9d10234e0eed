using System.Text.RegularExpressions;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Jobs.Archives;

/// <summary>
/// `coffre import`: an export comes back into a fresh repository as the same tree; an archive of the old script
/// becomes an application snapshot (database/NAME.EXT, media/NAME/..., metadata.json) at the archive's time; a
/// damaged archive or one reaching outside itself is refused with one line and leaves no snapshot.
/// </summary>
public partial class ImportCliTests
{
    [Fact]
    public void An_export_imported_into_a_fresh_repository_gives_the_same_tree()
    {
        using var app = new ArchiveApp("import-roundtrip");
        var id = app.InitAndBackup();
        var archive = app.Sub("export.tar.gz");
        app.Coffre.Ok("export", id, archive);

        var other = app.CreateSub("elsewhere");
        ArchiveApp.WriteConfig(other, "repo2");
        var coffre = new CoffreRunner(null) { WorkingDirectory = other };
        coffre.Ok("init");
        var summary = coffre.Json("import", archive);
        Assert.Equal("coffre", summary.GetProperty("source").GetString());
        Assert.True(summary.GetProperty("sidecar_verified").GetBoolean());
        var imported = summary.GetProperty("snapshot_id").GetString()!;

        // Same paths, types, sizes, modes, owners and mtimes (to the 100 ns a tar header keeps). The configuration a
        // backup carries (config/) is not in the old script's layout, so an export leaves it out.
        var original = ArchiveApp.Ls(app.Coffre, id).Select(To100Ns).Where(l => !l.Contains("\"path\":\"/config", StringComparison.Ordinal)).ToList();
        var copy = ArchiveApp.Ls(coffre, imported).Select(To100Ns).ToList();
        Assert.Equal(original, copy);
        Assert.Contains(original, l => l.Contains("\"path\":\"/media/uploads/derniere-photo.jpg\",\"type\":\"symlink\"", StringComparison.Ordinal));
        Assert.Contains(original, l => l.Contains("\"path\":\"/media/uploads/vide\",\"type\":\"dir\"", StringComparison.Ordinal));

        var restic = new ResticRunner(Path.Combine(other, "repo2"));
        restic.AssertCheckReadData();
        var snapshot = Assert.Single(restic.Snapshots());
        Assert.Equal(["coffre", "app:shop", "imported"], snapshot.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var before = Assert.Single(new ResticRunner(app.Repository).Snapshots());
        Assert.Equal(before.GetProperty("time").GetString(), snapshot.GetProperty("time").GetString());

        // Restored by restic, both snapshots hold the same bytes.
        new ResticRunner(app.Repository).Ok("restore", id, "--target", app.Sub("a"));
        Directory.Delete(app.Sub("a/config"), recursive: true); // not in the export (above)
        restic.Ok("restore", imported, "--target", app.Sub("b"));
        TreeComparer.AssertEqual(UnixPath.FromString(app.Sub("a")), UnixPath.FromString(app.Sub("b")),
            new CompareOptions { ModTimes = false, HardLinks = false, RootMetadata = false });
        Assert.Equal(app.Coffre.Json("list")[0].GetProperty("date").GetString(), coffre.Json("list")[0].GetProperty("date").GetString());
    }

    [Fact]
    public void An_old_script_archive_becomes_an_application_snapshot_at_its_own_time()
    {
        using var app = new ArchiveApp("import-legacy");
        app.Coffre.Ok("init");
        // What the old script wrote: database_<db>.sql (here a SQLite file) and media/ (MEDIA_ROOT), then the sidecar.
        var old = app.CreateSub("old");
        File.Copy(app.Sqlite, Path.Combine(old, "database_main.sql"));
        Directory.CreateDirectory(Path.Combine(old, "media", "payment_receipts"));
        Directory.CreateDirectory(Path.Combine(old, "media", "profiles"));
        File.WriteAllText(Path.Combine(old, "media", "payment_receipts", "reçu-001.pdf"), "%PDF receipt\n");
        File.WriteAllText(Path.Combine(old, "media", "profiles", "avatar.jpg"), "jpeg\n");
        Posix.Chmod(UnixPath.FromString(Path.Combine(old, "media", "profiles", "avatar.jpg")), 0x1A0 /* 0640 */);
        ArchiveApp.Python("import os, sys; os.utime(sys.argv[1], (1769675909, 1769675909))", Path.Combine(old, "media", "profiles", "avatar.jpg"));
        var archive = app.Sub("backup_complet_main_20260129_093829.tar.gz");
        ArchiveApp.Tar(old, "-czf", archive, "database_main.sql", "media");
        ArchiveApp.WriteScriptSidecar(archive, "20260129_093829", "2026-01-29T09:38:33.420423", "main");

        var summary = app.Coffre.Json("import", archive);
        Assert.Equal("legacy", summary.GetProperty("source").GetString());
        var id = summary.GetProperty("snapshot_id").GetString()!;

        // The file's name and the sidecar's timestamp: the backup's time, as coffre list shows it.
        var listed = app.Coffre.Json("list")[0];
        Assert.Equal("20260129_093829", listed.GetProperty("date").GetString());
        Assert.Equal("imported", listed.GetProperty("status").GetString());
        var metadata = listed.GetProperty("metadata");
        var database = metadata.GetProperty("databases")[0];
        Assert.Equal(("main", "sqlite", "database/main.sqlite"), (database.GetProperty("name").GetString(), database.GetProperty("engine").GetString(), database.GetProperty("file").GetString()));
        Assert.Equal(new FileInfo(app.Sqlite).Length, database.GetProperty("size").GetInt64());
        Assert.Empty(database.GetProperty("tables").EnumerateObject());
        Assert.Equal(2, metadata.GetProperty("media")[0].GetProperty("files").GetInt64());
        Assert.Equal("uploads", metadata.GetProperty("media")[0].GetProperty("name").GetString());

        var ls = ArchiveApp.Ls(app.Coffre, id);
        Assert.Equal(new[]
        {
            "/database", "/database/main.sqlite", "/media", "/media/uploads", "/media/uploads/payment_receipts", "/media/uploads/payment_receipts/reçu-001.pdf",
            "/media/uploads/profiles", "/media/uploads/profiles/avatar.jpg", "/metadata.json",
        }, ls.Select(l => ArchiveApp.ReadJsonLine(l).GetProperty("path").GetString()));
        var avatar = ArchiveApp.ReadJsonLine(ls.Single(l => l.Contains("avatar.jpg", StringComparison.Ordinal)));
        Assert.Equal("640", avatar.GetProperty("mode").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1769675909), DateTimeOffset.Parse(avatar.GetProperty("mtime").GetString()!, System.Globalization.CultureInfo.InvariantCulture));

        var restic = new ResticRunner(app.Repository);
        restic.AssertCheckReadData();
        Assert.Contains("imported", Assert.Single(restic.Snapshots()).GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        restic.Ok("restore", id, "--target", app.Sub("out"));
        Assert.Equal(File.ReadAllBytes(app.Sqlite), File.ReadAllBytes(app.Sub("out/database/main.sqlite")));
        Assert.Equal("%PDF receipt\n", File.ReadAllText(app.Sub("out/media/uploads/payment_receipts/reçu-001.pdf")));
    }

    [Fact]
    public void A_damaged_archive_is_refused_and_leaves_no_snapshot()
    {
        using var app = new ArchiveApp("import-damaged");
        app.InitAndBackup();
        var archive = app.Sub("export.tar.gz");
        app.Coffre.Ok("export", "latest", archive);
        var bytes = File.ReadAllBytes(archive);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(archive, bytes);

        // With its sidecar: the hash differs, refused before anything is written.
        var r = app.Coffre.Run("import", archive);
        Errors.AssertOneLine(r, 1, "damaged", "SHA-256", "nothing was imported");
        // Without: the gzip CRC says it (after a warning that nothing can be checked against a recorded hash).
        File.Delete(archive + ".json");
        r = app.Coffre.Run("import", archive);
        Assert.Equal(1, r.ExitCode);
        Errors.AssertNoCrash(r);
        Assert.Contains("warning: no export.tar.gz.json", r.StdErrLines[0], StringComparison.Ordinal);
        Assert.Matches("^coffre: .*export.tar.gz is damaged.*nothing was imported$", r.StdErrLines[^1]);
        // Cut short: refused too.
        var original = app.Sub("export2.tar.gz");
        app.Coffre.Ok("export", "latest", original);
        File.WriteAllBytes(archive, File.ReadAllBytes(original)[..(int)(new FileInfo(original).Length / 2)]);
        r = app.Coffre.Run("import", archive);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("is damaged", r.StdErrLines[^1], StringComparison.Ordinal);

        var restic = new ResticRunner(app.Repository);
        Assert.Single(restic.Snapshots());
        restic.AssertCheckReadData();
    }

    [Fact]
    public void An_entry_that_climbs_out_of_the_archive_is_refused()
    {
        using var app = new ArchiveApp("import-evil");
        app.Coffre.Ok("init");
        var inside = app.CreateSub("build/inside");
        File.WriteAllText(app.Sub("build/evil"), "overwrite me\n");
        File.WriteAllText(Path.Combine(inside, "database_main.sql"), "-- PostgreSQL database dump\n");
        var archive = app.Sub("evil.tar.gz");
        // -P keeps "../evil" as it is (tar would strip it otherwise).
        ArchiveApp.Tar(inside, "-czPf", archive, "database_main.sql", "../evil");
        ArchiveApp.WriteScriptSidecar(archive, "20260129_093829", "2026-01-29T09:38:33.420423", "main");
        Errors.AssertOneLine(app.Coffre.Run("import", archive), 1, "../evil", "refused");

        ArchiveApp.Tar(inside, "-czPf", archive, Path.Combine(inside, "database_main.sql"));
        ArchiveApp.WriteScriptSidecar(archive, "20260129_093829", "2026-01-29T09:38:33.420423", "main");
        Errors.AssertOneLine(app.Coffre.Run("import", archive), 1, "absolute path", "refused");
        Assert.Empty(new ResticRunner(app.Repository).Snapshots());
    }

    /// <summary>An ls --json line with the mtime's fraction cut to 7 digits (100 ns), trailing zeros dropped as Go does.</summary>
    private static string To100Ns(string line) => Fraction().Replace(line, m =>
    {
        var digits = m.Groups[2].Value[..Math.Min(7, m.Groups[2].Value.Length)].TrimEnd('0');
        return digits.Length == 0 ? m.Groups[1].Value : $"{m.Groups[1].Value}.{digits}";
    });

    [GeneratedRegex("(\"mtime\":\"[^\".]*)\\.([0-9]+)")]
    private static partial Regex Fraction();
}

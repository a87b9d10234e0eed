using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Jobs.Archives;

/// <summary>
/// `coffre export`: an application backup as the old script's tar.gz — listed by tar, hashed as its sidecar says,
/// extracted to the very bytes that were backed up — and an existing archive is never replaced without --force.
/// </summary>
public class ExportCliTests
{
    [Fact]
    public void Export_writes_the_old_layout_with_a_sidecar_whose_hash_is_the_archive()
    {
        using var app = new ArchiveApp("export");
        var id = app.InitAndBackup();
        var stamp = app.Coffre.Json("list")[0].GetProperty("date").GetString()!;
        var archive = app.Sub($"backup_complet_shop_{stamp}.tar.gz");

        var summary = app.Coffre.Json("export", stamp, archive);
        Assert.Equal(id, summary.GetProperty("snapshot_id").GetString());
        Assert.Equal(0x180u /* 0600: the application's data */, Posix.Stat(UnixPath.FromString(archive)).Permissions);

        // tar lists metadata.json first, the dump under the old script's name, then the media folder.
        var list = ArchiveApp.Tar(app.Sub(""), "-tzf", archive);
        Assert.Equal("", list.StdErr);
        var entries = list.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["metadata.json", "database_main.sqlite"], entries[..2]);
        Assert.Equal(new[]
        {
            "media/", "media/uploads/", "media/uploads/derniere-photo.jpg", "media/uploads/facture-0042.txt", "media/uploads/produits/",
            "media/uploads/produits/2026/", "media/uploads/produits/2026/bannière été.png", "media/uploads/produits/2026/photo.jpg", "media/uploads/vide/",
        }.Order(StringComparer.Ordinal), entries[2..].Order(StringComparer.Ordinal));

        // The sidecar: the old script's fields, the hash sha256sum computes, the snapshot's local time.
        var sidecar = ArchiveApp.ReadJson(archive + ".json");
        var sha = ProcessRunner.Run("/usr/bin/sha256sum", [archive], new Dictionary<string, string?>());
        Assert.Equal(sha.StdOut.Split(' ')[0], sidecar.GetProperty("hash").GetString());
        Assert.Equal(Path.GetFileName(archive), sidecar.GetProperty("backup_file").GetString());
        Assert.Equal(stamp, sidecar.GetProperty("timestamp").GetString());
        Assert.Matches($"^{stamp[..4]}-{stamp[4..6]}-{stamp[6..8]}T{stamp[9..11]}:{stamp[11..13]}:{stamp[13..15]}\\.[0-9]{{6}}$", sidecar.GetProperty("datetime").GetString()!);
        Assert.Equal("main", sidecar.GetProperty("database").GetString());
        Assert.Equal("COMPLETE", sidecar.GetProperty("type").GetString());
        Assert.Equal(Math.Round(new FileInfo(archive).Length / 1024.0 / 1024.0, 2), sidecar.GetProperty("size_mb").GetDouble());
        Assert.Equal(["database", "media"], sidecar.GetProperty("includes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("completed", sidecar.GetProperty("status").GetString());
        Assert.Equal(id, sidecar.GetProperty("snapshot").GetString());

        // Extracted, the archive gives back the bytes of the backup: media as they are on disk, the dump and
        // metadata.json as restic restores them from the snapshot.
        var extracted = app.CreateSub("extracted");
        ArchiveApp.Tar(extracted, "-xzf", archive);
        TreeComparer.AssertEqual(UnixPath.FromString(app.Media), UnixPath.FromString(Path.Combine(extracted, "media", "uploads")),
            new CompareOptions { ModTimes = false, HardLinks = false, RootMetadata = false });
        var restic = new ResticRunner(app.Repository);
        restic.Ok("restore", id, "--target", app.Sub("restored"));
        Assert.Equal(File.ReadAllBytes(app.Sub("restored/database/main.sqlite")), File.ReadAllBytes(Path.Combine(extracted, "database_main.sqlite")));
        Assert.Equal(File.ReadAllBytes(app.Sub("restored/metadata.json")), File.ReadAllBytes(Path.Combine(extracted, "metadata.json")));
        Assert.Equal("shop", ArchiveApp.ReadJson(Path.Combine(extracted, "metadata.json")).GetProperty("application").GetString());
        // mtimes go through .NET's tar writer with 100 ns precision.
        var mtime = Posix.LStat(UnixPath.FromString(Path.Combine(extracted, "media", "uploads", "facture-0042.txt"))).ModifyTime;
        Assert.Equal((1_700_000_000L, 123_456_700), (mtime.Seconds, mtime.Nanoseconds));
    }

    [Fact]
    public void Export_refuses_to_replace_an_archive_unless_forced()
    {
        using var app = new ArchiveApp("export-exists");
        var id = app.InitAndBackup();
        var archive = app.Sub("backup.tar.gz");
        app.Coffre.Ok("export", "latest", archive);
        var hash = ArchiveApp.Sha256(archive);
        var sidecar = File.ReadAllText(archive + ".json");

        var again = app.Coffre.Run("export", id[..8], archive);
        Errors.AssertOneLine(again, 1, "already exists", "--force");
        Assert.Equal(hash, ArchiveApp.Sha256(archive));
        Assert.Equal(sidecar, File.ReadAllText(archive + ".json"));

        // A sidecar left alone is protected too.
        File.Move(archive, app.Sub("moved.tar.gz"));
        Errors.AssertOneLine(app.Coffre.Run("export", "latest", archive), 1, "backup.tar.gz.json", "already exists");
        Assert.False(File.Exists(archive));

        app.Coffre.Ok("export", "latest", archive, "--force");
        Assert.Equal(ArchiveApp.Sha256(archive), ArchiveApp.ReadJson(archive + ".json").GetProperty("hash").GetString());
        Assert.Empty(Directory.EnumerateFiles(app.Sub(""), "*.tmp-*"));
        Errors.AssertOneLine(app.Coffre.Run("export", "20000101_000000", app.Sub("other.tar.gz")), 1, "is named 20000101_000000");
    }
}

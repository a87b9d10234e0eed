using System.Security.Cryptography;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Jobs.Restore;

/// <summary>
/// Hooks around an in-place restore, and restores that stop halfway (disk full, Ctrl-C): the error names the
/// safety snapshot and the command that rolls back, and that command gives back the state before the restore.
/// </summary>
[Collection(SerialCollection.Name)]
public class RestoreHooksAndFailuresTests
{
    [Fact]
    public void Hooks_run_around_an_in_place_restore_and_a_failing_preRestore_changes_nothing()
    {
        using var dir = new TestDirectory("apprestore-hooks");
        var log = dir.Sub("hooks.log");
        var app = new SqliteApp(dir, hooks: $$"""{ "preRestore": "echo stop >> '{{log}}'", "postRestore": "echo start >> '{{log}}'" }""");
        var coffre = app.Coffre;
        coffre.Ok("init");
        coffre.Ok("backup");
        var original = SqliteApp.Fingerprint(app.Database);
        app.Damage();
        coffre.Ok("restore", "latest", "--force");
        Assert.Equal(["stop", "start"], File.ReadAllLines(log));
        Assert.Equal(original, SqliteApp.Fingerprint(app.Database));

        // Restoring elsewhere does not stop the application.
        coffre.Ok("restore", "latest", "--target", dir.Sub("elsewhere"));
        Assert.Equal(2, File.ReadAllLines(log).Length);

        // A preRestore hook that fails stops the restore before anything happens.
        File.WriteAllText(Path.Combine(app.Root, "coffre.json"), File.ReadAllText(Path.Combine(app.Root, "coffre.json"))
            .Replace($"echo stop >> '{log}'", "echo cannot stop the service >&2; exit 4", StringComparison.Ordinal));
        app.Damage();
        var damaged = SqliteApp.Fingerprint(app.Database);
        var snapshots = coffre.Json("list").GetArrayLength();
        var r = coffre.Run("restore", "latest", "--force");
        Errors.AssertOneLine(r, 1, "preRestore hook failed (exit code 4: cannot stop the service)");
        Assert.Equal(damaged, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(snapshots, coffre.Json("list").GetArrayLength());
        Assert.Equal(2, File.ReadAllLines(log).Length);
    }

    [SmallDiskFact]
    public void A_restore_failing_halfway_names_the_safety_snapshot_and_the_rollback_works()
    {
        using var dir = new TestDirectory("apprestore-full");
        using var disk = SmallDisk.TryMount(dir.Sub("disk"), 8, out var whyNot);
        Assert.True(disk is not null, whyNot);
        var log = dir.Sub("hooks.log");
        var app = new SqliteApp(dir, hooks: $$"""{ "postRestore": "echo start >> '{{log}}'" }""", mediaPath: Path.Combine(disk.MountPoint, "media"));
        var coffre = app.Coffre;
        coffre.Ok("init");
        coffre.Ok("backup");
        app.Damage();
        File.Delete(Path.Combine(app.Media, "uploads", "big.bin"));
        // The cache (excluded, so kept by the restore) fills the disk: the 3 MiB file of the backup no longer fits.
        File.WriteAllBytes(Path.Combine(app.Media, "cache", "fill.bin"), RandomNumberGenerator.GetBytes(6 << 20));
        var damaged = SqliteApp.Fingerprint(app.Database);
        var damagedMedia = SqliteApp.Listing(app.Media);

        var r = coffre.Run("restore", "latest", "--force");
        var line = Errors.AssertOneLine(r, 1, "failed halfway", "space", "safety snapshot");
        var safety = System.Text.RegularExpressions.Regex.Match(line, "coffre restore ([0-9a-f]{8}) --force").Groups[1].Value;
        Assert.NotEmpty(safety);
        Assert.False(File.Exists(log), "postRestore must not run after a failed restore");

        coffre.Ok("restore", safety, "--force");
        Assert.Equal(damaged, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(damagedMedia, SqliteApp.Listing(app.Media));
        new ResticRunner(app.Repo).AssertCheckReadData();
    }

    [Fact]
    public void An_interrupted_restore_exits_130_and_says_how_to_roll_back()
    {
        using var dir = new TestDirectory("apprestore-int");
        var app = new SqliteApp(dir);
        var big = Path.Combine(app.Media, "uploads", "huge.bin");
        using (var f = File.Create(big))
            for (var i = 0; i < 64; i++) f.Write(RandomNumberGenerator.GetBytes(4 << 20));
        var coffre = app.Coffre;
        coffre.Ok("init");
        coffre.Ok("backup");
        File.Delete(big);
        app.Damage();
        var damaged = SqliteApp.Fingerprint(app.Database);
        var damagedMedia = SqliteApp.Listing(app.Media);

        using var running = coffre.Start("restore", "latest", "--force");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!running.HasExited && !(File.Exists(big) && new FileInfo(big).Length > 0) && DateTime.UtcNow < deadline) Thread.Sleep(2);
        Assert.False(running.HasExited, "the restore ended before it could be interrupted");
        Assert.Equal(0, Coffre.Platform.LibC.kill(running.Id, 2));
        var r = running.Wait(TimeSpan.FromMinutes(1));

        var line = Errors.AssertOneLine(r, 130, "interrupted", "safety snapshot");
        var safety = System.Text.RegularExpressions.Regex.Match(line, "coffre restore ([0-9a-f]{8}) --force").Groups[1].Value;
        coffre.Ok("restore", safety, "--force");
        Assert.Equal(damaged, SqliteApp.Fingerprint(app.Database));
        Assert.Equal(damagedMedia, SqliteApp.Listing(app.Media));
        Assert.Empty(Directory.GetFiles(Path.Combine(app.Repo, "locks")));
    }
}

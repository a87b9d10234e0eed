using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Emergency;

/// <summary>
/// docs/emergency.md's "The repository's disk is full", run on a real full disk (a small tmpfs or loop device):
/// backups fail, the procedure frees the space the retention had already given up, the next backup fits.
/// </summary>
[Collection(SerialCollection.Name)]
public class EmergencyDiskFullTests
{
    [SmallDiskFact]
    public void A_full_disk_is_freed_by_forget_and_prune_and_the_next_backup_fits()
    {
        using var dir = new TestDirectory("runbook-disk");
        using var disk = SmallDisk.TryMount(dir.Sub("disk"), 24, out var whyNot);
        Assert.True(disk is not null, whyNot);
        // Keep one backup: each backup's retention forgets the one before; its data stays until a prune (not scheduled here).
        var app = new RunbookApp(dir, Path.Combine(disk.MountPoint, "backups"), ",\n  \"retention\": { \"last\": 1, \"keepWithinDays\": 0 }");
        app.Init();
        var big = Path.Combine(app.App.Media, "uploads", "big.bin");
        ProcessResult? failed = null;
        for (var i = 0; i < 12 && failed is null; i++)
        {
            File.WriteAllBytes(big, System.Security.Cryptography.RandomNumberGenerator.GetBytes(4 << 20));
            var r = app.Coffre.Run("backup");
            if (r.ExitCode != 0) failed = r;
        }
        Assert.True(failed is not null, "the disk never filled up");
        Errors.AssertNoCrash(failed);
        var freeBefore = new DriveInfo(disk.MountPoint).AvailableFreeSpace;
        var state = app.State();

        var shell = app.Shell();
        var r2 = shell.RunSection(Book, "The repository's disk is full", 2, 0, 0, 0);

        Assert.Contains("disk-full", Doctor(app), StringComparison.Ordinal);
        Assert.True(new DriveInfo(disk.MountPoint).AvailableFreeSpace > freeBefore, "prune freed nothing");
        Assert.Single(app.Coffre.Json("list").EnumerateArray());
        Restic.AssertCheckReadData(app.Repository);
        app.App.Damage();
        app.Coffre.Ok("restore", "latest", "--force");
        Assert.Equal(state, app.State());
        Assert.Contains("disk", r2[0].StdOut, StringComparison.Ordinal);
    }

    private static readonly EmergencyRunbook Book = EmergencyRunbook.Load();

    private static string Doctor(RunbookApp app) => app.Coffre.Run("doctor", "--json").StdOut;
}

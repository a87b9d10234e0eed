using Coffre.Configuration;
using Coffre.Journal;
using Coffre.Maintenance.Copy;

namespace Coffre.Tests.Maintenance.Copy;

/// <summary>What a backup's dashboard page says about each copy, from the run history (<see cref="CopyPresence"/>).</summary>
public class CopyPresenceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 2, 0, 0, TimeSpan.Zero);

    private static RunRecord Run(string operation, int hours, string? snapshot, string? copies, string result = RunResults.Ok) => new()
    {
        Operation = operation, Start = T0.AddHours(hours), End = T0.AddHours(hours).AddMinutes(1), Application = "shop", Repository = "/srv/shop/backups",
        Result = result, SnapshotId = snapshot, Copies = copies,
    };

    private static readonly CoffreConfig Config = new()
    {
        Application = "shop",
        Copies = [new CopySection { Name = "usb", Location = "/mnt/usb", PasswordEnv = "X" }, new CopySection { Name = "nas", Location = "/mnt/nas", PasswordEnv = "X" }],
    };

    [Fact]
    public void Each_copy_says_whether_the_backup_reached_it_and_how()
    {
        var history = new[]
        {
            Run("backup", 0, "aaaa", "/mnt/usb: copied as 11111111; /mnt/nas: failed: no repository at /mnt/nas; check the path"),
            Run("backup", 1, "bbbb", "/mnt/usb: failed: locked; /mnt/nas: failed: unreachable"),
            Run("copy", 2, null, "/mnt/usb: failed: still locked; /mnt/nas: up to date", RunResults.Failed),
            Run("backup", 3, "aaaa", "/mnt/usb: failed: not mine") with { Application = "other" },
        };
        var first = CopyPresence.ForSnapshot(Config, history, "aaaa");
        Assert.Equal(("usb", true, "copied after the backup"), (first[0].Label, first[0].Reached, first[0].Text));
        Assert.Equal(("nas", true), (first[1].Label, first[1].Reached));
        Assert.StartsWith("copied later by coffre copy", first[1].Text, StringComparison.Ordinal);

        var second = CopyPresence.ForSnapshot(Config, history, "bbbb");
        Assert.Equal((false, "missing: the copy failed (locked); run coffre copy"), (second[0].Reached, second[0].Text));
        Assert.True(second[1].Reached);

        var unknown = CopyPresence.ForSnapshot(Config, history, "cccc");
        Assert.All(unknown, p => Assert.False(p.Reached));
        Assert.Equal("not known: this backup is not in the run history", unknown[0].Text);
    }
}

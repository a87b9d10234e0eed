using Coffre.Configuration;
using Coffre.Journal;
using Coffre.Metrics;
using Coffre.Metrics.Prometheus;
using Coffre.Tests.Journal;

namespace Coffre.Tests.Metrics;

/// <summary>/metrics says how far behind each copy is: backups missing there, when one last reached it, whether the last attempt failed.</summary>
public class CopyMetricsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 29, 2, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Each_copy_has_its_backlog_last_success_and_failing_state()
    {
        using var folder = new JournalFolder();
        var journal = new RunJournal(folder.Path, TimeProvider.System);
        journal.Append(JournalFolder.Run(T0) with { Copies = "/mnt/usb: copied as 11111111; /mnt/nas: copied as 22222222" });
        journal.Append(JournalFolder.Run(T0.AddHours(1)) with { Copies = "/mnt/usb: failed: no repository at /mnt/usb; /mnt/nas: copied as 33333333", CopyFailed = true });
        journal.Append(JournalFolder.Run(T0.AddHours(2)) with { Copies = "/mnt/usb: failed: no repository at /mnt/usb; /mnt/nas: copied as 44444444", CopyFailed = true });
        journal.Append(JournalFolder.Run(T0.AddHours(3), "backup", RunResults.Failed) with { SnapshotId = null });
        journal.Append(JournalFolder.Run(T0.AddHours(4)) with { Application = "other", Copies = "/mnt/usb: failed: elsewhere" });
        var copies = new List<CopySection>
        {
            new() { Name = "usb", Location = "/mnt/usb", PasswordEnv = "X" },
            new() { Location = "/mnt/nas", PasswordEnv = "X" },
        };
        using var metrics = new CoffreMetrics([new MetricsTarget { LogFolder = folder.Path, Application = "boutique", Copies = copies }]);
        using var collector = new PrometheusCollector(metrics.Meter);

        var v = collector.Collect().Where(f => f.Name.StartsWith("coffre_copy_", StringComparison.Ordinal))
            .SelectMany(f => f.Samples.Select(s => (Key: f.Name + "{" + string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}")) + "}", s.Value)))
            .ToDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal);

        Assert.Equal(2, v["coffre_copy_behind_snapshots{application=boutique,copy=usb,location=/mnt/usb}"]);
        Assert.Equal(0, v["coffre_copy_behind_snapshots{application=boutique,copy=/mnt/nas,location=/mnt/nas}"]);
        Assert.Equal(T0.ToUnixTimeSeconds(), v["coffre_copy_last_success_timestamp_seconds{application=boutique,copy=usb,location=/mnt/usb}"]);
        Assert.Equal(T0.AddHours(2).ToUnixTimeSeconds(), v["coffre_copy_last_success_timestamp_seconds{application=boutique,copy=/mnt/nas,location=/mnt/nas}"]);
        Assert.Equal(1, v["coffre_copy_failing{application=boutique,copy=usb,location=/mnt/usb}"]);
        Assert.Equal(0, v["coffre_copy_failing{application=boutique,copy=/mnt/nas,location=/mnt/nas}"]);
        Assert.Equal(6, v.Count);

        // `coffre copy` brought the USB disk up to date: seen at the next collection.
        journal.Append(JournalFolder.Run(T0.AddHours(5), "copy") with { SnapshotId = null, Copies = "/mnt/usb: up to date; /mnt/nas: up to date" });
        var after = collector.Collect().Single(f => f.Name == "coffre_copy_behind_snapshots").Samples;
        Assert.All(after, s => Assert.Equal(0, s.Value));
    }

    [Fact]
    public void A_copy_that_never_received_a_backup_has_no_last_success_sample()
    {
        using var folder = new JournalFolder();
        new RunJournal(folder.Path, TimeProvider.System).Append(JournalFolder.Run(T0));
        using var metrics = new CoffreMetrics([new MetricsTarget { LogFolder = folder.Path, Application = "boutique", Copies = [new CopySection { Name = "usb", Location = "/mnt/usb", PasswordEnv = "X" }] }]);
        using var collector = new PrometheusCollector(metrics.Meter);
        var families = collector.Collect().ToDictionary(f => f.Name, f => f.Samples);
        Assert.Equal(1, Assert.Single(families["coffre_copy_behind_snapshots"]).Value);
        Assert.False(families.TryGetValue("coffre_copy_last_success_timestamp_seconds", out var none) && none.Count > 0);
    }
}

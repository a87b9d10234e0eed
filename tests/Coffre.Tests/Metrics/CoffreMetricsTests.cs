using Coffre.Journal;
using Coffre.Metrics;
using Coffre.Metrics.Prometheus;
using Coffre.Tests.Journal;

namespace Coffre.Tests.Metrics;

public class CoffreMetricsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 29, 2, 30, 0, TimeSpan.FromHours(1));

    private static Dictionary<string, double> Values(PrometheusCollector collector) =>
        collector.Collect().SelectMany(f => f.Samples.Select(s => (Key: f.Name + "{" + string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}")) + "}", s.Value)))
            .ToDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal);

    [Fact]
    public void History_and_repository_folder_give_the_documented_metrics()
    {
        using var folder = new JournalFolder();
        var repo = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(folder.Path)!, "repo")).FullName;
        File.WriteAllBytes(Path.Combine(repo, "config"), new byte[155]);
        Directory.CreateDirectory(Path.Combine(repo, "data", "3e"));
        File.WriteAllBytes(Path.Combine(repo, "data", "3e", "3e7d"), new byte[4096]);
        var journal = new RunJournal(folder.Path, TimeProvider.System);
        journal.Append(JournalFolder.Run(T0) with { Start = T0.AddSeconds(-41.008) });
        journal.Append(JournalFolder.Run(T0.AddHours(1), result: RunResults.Failed) with { SnapshotId = null, BytesAdded = null });
        journal.Append(JournalFolder.Run(T0.AddHours(2), "drill"));
        using var metrics = new CoffreMetrics([new MetricsTarget { Repository = repo, LogFolder = folder.Path, Application = "boutique" }]);
        using var collector = new PrometheusCollector(metrics.Meter);

        var v = Values(collector);

        Assert.Equal(T0.AddHours(1).ToUnixTimeSeconds(), v["coffre_last_backup_timestamp_seconds{application=boutique}"]);
        Assert.Equal(0, v["coffre_last_backup_success{application=boutique}"]);
        Assert.Equal(T0.ToUnixTimeSeconds(), v["coffre_last_successful_backup_timestamp_seconds{application=boutique}"]);
        Assert.Equal(3, v["coffre_last_backup_duration_seconds{application=boutique}"]);
        Assert.Equal(1_258_291, v["coffre_last_backup_added_bytes{application=boutique}"]);
        Assert.Equal(1, v["coffre_backups_total{application=boutique,result=ok}"]);
        Assert.Equal(1, v["coffre_backups_total{application=boutique,result=failed}"]);
        Assert.Equal(0, v["coffre_backups_total{application=boutique,result=interrupted}"]);
        Assert.Equal(T0.AddHours(2).ToUnixTimeSeconds(), v["coffre_last_drill_timestamp_seconds{application=boutique}"]);
        Assert.Equal(1, v["coffre_last_drill_success{application=boutique}"]);
        Assert.Equal(1, v[$"coffre_repository_present{{repository={repo}}}"]);
        Assert.Equal(155 + 4096, v[$"coffre_repository_size_bytes{{repository={repo}}}"]);
        Assert.InRange(v[$"coffre_disk_free_bytes{{repository={repo}}}"], 1, long.MaxValue);
        Assert.InRange(Math.Abs(DiskSpaceOf(repo) - v[$"coffre_disk_free_bytes{{repository={repo}}}"]), 0, 256 << 20); // others write meanwhile
        Assert.Equal(16, v.Count); // the backups_total series include cancelled
    }

    [Fact]
    public void A_new_run_is_seen_at_the_next_collection()
    {
        using var folder = new JournalFolder();
        var journal = new RunJournal(folder.Path, TimeProvider.System);
        journal.Append(JournalFolder.Run(T0));
        using var metrics = new CoffreMetrics([new MetricsTarget { LogFolder = folder.Path }]);
        using var collector = new PrometheusCollector(metrics.Meter);
        Assert.Equal(1, Values(collector)["coffre_last_backup_success{application=boutique}"]);

        journal.Append(JournalFolder.Run(T0.AddMinutes(1), result: RunResults.Interrupted));
        var v = Values(collector);

        Assert.Equal(0, v["coffre_last_backup_success{application=boutique}"]);
        Assert.Equal(1, v["coffre_backups_total{application=boutique,result=interrupted}"]);
        Assert.Equal(2, v.Where(kv => kv.Key.StartsWith("coffre_backups_total", StringComparison.Ordinal)).Sum(kv => kv.Value));
    }

    [Fact]
    public void A_missing_repository_and_an_empty_history_give_zero_counters_and_presence_zero_only()
    {
        var missing = Path.Combine(Path.GetTempPath(), "coffre-no-repo-" + Guid.NewGuid().ToString("N"));
        using var metrics = new CoffreMetrics([new MetricsTarget { Repository = missing, LogFolder = Path.Combine(missing, "logs"), Application = "shop" }]);
        using var collector = new PrometheusCollector(metrics.Meter);

        var v = Values(collector);

        Assert.Equal(0, v[$"coffre_repository_present{{repository={missing}}}"]);
        Assert.Equal(6, v.Count(kv => kv.Key.StartsWith("coffre_backups_total{application=shop,", StringComparison.Ordinal) && kv.Value == 0));
        Assert.Equal(7, v.Count);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Two_targets_sharing_a_log_folder_count_each_run_once()
    {
        using var folder = new JournalFolder();
        new RunJournal(folder.Path, TimeProvider.System).Append(JournalFolder.Run(T0));
        using var metrics = new CoffreMetrics([new MetricsTarget { LogFolder = folder.Path }, new MetricsTarget { LogFolder = folder.Path + "/" }]);
        using var collector = new PrometheusCollector(metrics.Meter);

        Assert.Equal(1, Values(collector)["coffre_backups_total{application=boutique,result=ok}"]);
    }

    private static double DiskSpaceOf(string path) => new DriveInfo(path).AvailableFreeSpace;
}

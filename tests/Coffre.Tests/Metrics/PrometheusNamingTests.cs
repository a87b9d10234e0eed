using Coffre.Metrics.Prometheus;

namespace Coffre.Tests.Metrics;

public class PrometheusNamingTests
{
    [Theory]
    [InlineData("coffre.last_backup.timestamp", "s", MetricType.Gauge, "coffre_last_backup_timestamp_seconds")]
    [InlineData("coffre.repository.size", "By", MetricType.Gauge, "coffre_repository_size_bytes")]
    [InlineData("coffre.backups", "{backup}", MetricType.Counter, "coffre_backups_total")]
    [InlineData("coffre.backups.total", null, MetricType.Counter, "coffre_backups_total")]
    [InlineData("coffre.read", "By", MetricType.Counter, "coffre_read_bytes_total")]
    [InlineData("coffre.wait_seconds", "s", MetricType.Gauge, "coffre_wait_seconds")]
    [InlineData("coffre.last_backup.success", null, MetricType.Gauge, "coffre_last_backup_success")]
    [InlineData("coffre.cache.hits", "1", MetricType.Gauge, "coffre_cache_hits_ratio")]
    [InlineData("coffre.rate", "By/s", MetricType.Gauge, "coffre_rate_bytes_per_second")]
    [InlineData("http.server-requests", "ms", MetricType.Gauge, "http_server_requests_milliseconds")]
    [InlineData("9lives", "", MetricType.Gauge, "_9lives")]
    [InlineData("a:b", "files", MetricType.Gauge, "a:b_files")]
    public void Instrument_names_and_units_become_prometheus_names(string name, string? unit, MetricType type, string expected)
    {
        Assert.Equal(expected, PrometheusNaming.MetricName(name, unit, type));
        Assert.True(PrometheusNaming.IsValidMetricName(expected));
    }

    [Theory]
    [InlineData("application", "application")]
    [InlineData("db.name", "db_name")]
    [InlineData("a:b", "a_b")]
    [InlineData("2fa", "_2fa")]
    public void Tag_names_become_label_names(string tag, string expected)
    {
        Assert.Equal(expected, PrometheusNaming.LabelName(tag));
        Assert.True(PrometheusNaming.IsValidLabelName(expected));
    }
}

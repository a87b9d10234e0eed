namespace Coffre.Metrics.Prometheus;

/// <summary>The Prometheus metric types this exporter writes (text format 0.0.4 also knows summary and histogram).</summary>
public enum MetricType
{
    Gauge,
    Counter,
}

/// <summary>One time series of a family: its labels (name, value), in the order they are written, and its value.</summary>
public sealed record MetricSample(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value);

/// <summary>
/// A metric family as the text format writes it: one <c># HELP</c> and one <c># TYPE</c> line, then its samples.
/// The name is the full Prometheus name (counters end with <c>_total</c>); see <see cref="PrometheusNaming"/>.
/// </summary>
public sealed record MetricFamily(string Name, MetricType Type, string? Help, IReadOnlyList<MetricSample> Samples);

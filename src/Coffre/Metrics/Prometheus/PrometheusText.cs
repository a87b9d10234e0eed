using System.Globalization;
using System.Text;

namespace Coffre.Metrics.Prometheus;

/// <summary>
/// Writes metric families in the Prometheus text exposition format, version 0.0.4: per family a <c># HELP</c> line
/// (backslash and line break escaped), a <c># TYPE</c> line, then one line per sample,
/// <c>name{label="value",...} value</c>, label values escaping backslash, double quote and line break. Families come
/// in name order, samples in label order, so the same state always gives the same text. Lines end with <c>\n</c>,
/// and there are no timestamps (the scraper's time is the sample's time, and the textfile collector refuses them).
/// </summary>
public static class PrometheusText
{
    /// <summary>The Content-Type of a scrape response in this format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Format(IEnumerable<MetricFamily> families)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(writer, families);
        return writer.ToString();
    }

    /// <summary>Writes the families; throws <see cref="ArgumentException"/> on an invalid or repeated name.</summary>
    public static void Write(TextWriter writer, IEnumerable<MetricFamily> families)
    {
        var ordered = families.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            var family = ordered[i];
            if (!PrometheusNaming.IsValidMetricName(family.Name)) throw new ArgumentException($"'{family.Name}' is not a valid Prometheus metric name", nameof(families));
            if (i > 0 && ordered[i - 1].Name == family.Name) throw new ArgumentException($"metric family '{family.Name}' appears twice", nameof(families));
            var sb = new StringBuilder();
            if (!string.IsNullOrEmpty(family.Help)) sb.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            sb.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type == MetricType.Counter ? "counter" : "gauge").Append('\n');
            string? previous = null;
            foreach (var (labels, sample) in family.Samples.Select(s => (Labels(s), s)).OrderBy(x => x.Item1, StringComparer.Ordinal))
            {
                if (labels == previous) throw new ArgumentException($"metric '{family.Name}' has two samples with the same labels {labels}", nameof(families));
                previous = labels;
                sb.Append(family.Name).Append(labels).Append(' ').Append(FormatValue(sample.Value)).Append('\n');
            }
            writer.Write(sb.ToString());
        }
    }

    /// <summary>HELP text: backslash as <c>\\</c>, line feed as <c>\n</c>.</summary>
    public static string EscapeHelp(string text) =>
        text.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    /// <summary>A label value: backslash as <c>\\</c>, double quote as <c>\"</c>, line feed as <c>\n</c>.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    /// <summary>
    /// A sample value as Go's ParseFloat reads it: whole numbers in full (byte counts stay readable, no exponent),
    /// others in the shortest form that reads back exactly, and <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>.
    /// </summary>
    public static string FormatValue(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "+Inf";
        if (double.IsNegativeInfinity(value)) return "-Inf";
        if (value == Math.Floor(value) && Math.Abs(value) < 9e15) return ((long)value).ToString(CultureInfo.InvariantCulture);
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    private static string Labels(MetricSample sample)
    {
        if (sample.Labels.Count == 0) return "";
        var sb = new StringBuilder("{");
        for (var i = 0; i < sample.Labels.Count; i++)
        {
            var (name, value) = sample.Labels[i];
            if (!PrometheusNaming.IsValidLabelName(name)) throw new ArgumentException($"'{name}' is not a valid Prometheus label name", nameof(sample));
            if (i > 0) sb.Append(',');
            sb.Append(name).Append("=\"").Append(EscapeLabelValue(value)).Append('"');
        }
        return sb.Append('}').ToString();
    }
}

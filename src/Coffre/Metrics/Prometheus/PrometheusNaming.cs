using System.Text;

namespace Coffre.Metrics.Prometheus;

/// <summary>
/// Turns a System.Diagnostics.Metrics instrument (name, unit, kind) into a Prometheus metric name the way
/// OpenTelemetry's Prometheus exporters do: characters outside <c>[a-zA-Z0-9_:]</c> become <c>_</c>
/// (<c>coffre.last_backup.timestamp</c> → <c>coffre_last_backup_timestamp</c>), the unit is appended as a word
/// (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>; annotations such as <c>{backup}</c> add nothing), and a
/// counter ends with <c>_total</c>. A suffix already there is not doubled.
/// </summary>
public static class PrometheusNaming
{
    public static string MetricName(string instrumentName, string? unit, MetricType type)
    {
        var name = Sanitize(instrumentName, allowColon: true);
        if (UnitWord(unit) is { } word && !name.EndsWith("_" + word, StringComparison.Ordinal)) name += "_" + word;
        if (type == MetricType.Counter && !name.EndsWith("_total", StringComparison.Ordinal)) name += "_total";
        return name;
    }

    /// <summary>A tag name as a label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    public static string LabelName(string tagName) => Sanitize(tagName, allowColon: false);

    public static bool IsValidMetricName(string name) => IsValid(name, allowColon: true);

    /// <summary>Valid and not reserved (names starting with <c>__</c> belong to Prometheus).</summary>
    public static bool IsValidLabelName(string name) => IsValid(name, allowColon: false) && !name.StartsWith("__", StringComparison.Ordinal);

    /// <summary>The word a unit (UCUM, as OpenTelemetry writes them) adds to a name; null for none.</summary>
    internal static string? UnitWord(string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit) || unit.StartsWith('{')) return null;
        return unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            "By/s" => "bytes_per_second",
            "1" => "ratio",
            "%" => "percent",
            _ => Sanitize(unit, allowColon: false),
        };
    }

    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0) return "_";
        var sb = new StringBuilder(name.Length + 1);
        if (char.IsAsciiDigit(name[0])) sb.Append('_');
        foreach (var c in name)
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        return sb.ToString();
    }

    private static bool IsValid(string name, bool allowColon) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':'));
}

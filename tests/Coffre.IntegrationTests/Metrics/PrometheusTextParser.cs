using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Coffre.IntegrationTests.Metrics;

/// <summary>One sample line: the metric name, its labels (unescaped) and its value.</summary>
internal sealed record PromSeries(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A metric family: its TYPE, its HELP (unescaped) and its samples in the order they came.</summary>
internal sealed record PromFamily(string Name, string Type, string? Help, List<PromSeries> Samples);

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, written from the format's description, not from
/// Coffre's writer: it refuses anything Prometheus would refuse and, stricter, anything Coffre promises not to write
/// (blank lines, free comments, timestamps, samples without a TYPE, \r). Every problem names its line.
/// </summary>
internal static partial class PrometheusTextParser
{
    public static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    /// <summary>The families in the order they appear.</summary>
    public static List<PromFamily> Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n')) Fail(0, "the text must end with a line feed");
        if (text.Contains('\r', StringComparison.Ordinal)) Fail(0, "carriage return in the text (lines end with \\n only)");
        var families = new List<PromFamily>();
        var byName = new Dictionary<string, PromFamily>(StringComparer.Ordinal);
        var helps = new Dictionary<string, string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        PromFamily? current = null;
        var lines = text.Length == 0 ? [] : text[..^1].Split('\n');
        for (var n = 1; n <= lines.Length; n++)
        {
            var line = lines[n - 1];
            if (line.Length == 0) Fail(n, "blank line");
            if (line.StartsWith('#'))
            {
                var m = Comment().Match(line);
                if (!m.Success) Fail(n, $"a comment line must be '# HELP name text' or '# TYPE name type': {line}");
                var (keyword, name, rest) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value);
                if (byName.TryGetValue(name, out var seen) && seen != current) Fail(n, $"family {name} appears again after another family");
                if (keyword == "HELP")
                {
                    if (helps.ContainsKey(name)) Fail(n, $"second HELP for {name}");
                    if (seen is not null) Fail(n, $"HELP for {name} after its TYPE line");
                    helps[name] = UnescapeHelp(rest, n);
                }
                else
                {
                    if (seen is not null) Fail(n, $"second TYPE for {name}");
                    if (!Types.Contains(rest)) Fail(n, $"unknown type '{rest}'");
                    current = new PromFamily(name, rest, helps.GetValueOrDefault(name), []);
                    byName[name] = current;
                    families.Add(current);
                }
                continue;
            }
            var sample = ParseSample(line, n);
            if (current is null || current.Name != sample.Name)
                Fail(n, byName.ContainsKey(sample.Name) ? $"sample of {sample.Name} away from its family" : $"sample of {sample.Name} without a TYPE line before it");
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
            if (!series.Add(key)) Fail(n, $"duplicate series {key}");
            if (current!.Type == "counter" && (sample.Value < 0 || double.IsNaN(sample.Value))) Fail(n, $"counter {sample.Name} is {sample.Value}");
            current.Samples.Add(sample);
        }
        foreach (var name in helps.Keys)
            if (!byName.ContainsKey(name)) Fail(0, $"HELP for {name}, which has no TYPE");
        return families;
    }

    private static PromSeries ParseSample(string line, int n)
    {
        var i = 0;
        var name = Identifier(line, ref i, allowColon: true) ?? throw Error(n, $"a sample line must start with a metric name: {line}");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                var label = Identifier(line, ref i, allowColon: false) ?? throw Error(n, $"label name expected at column {i + 1}: {line}");
                if (label.StartsWith("__", StringComparison.Ordinal)) Fail(n, $"reserved label name {label}");
                if (i + 1 >= line.Length || line[i] != '=' || line[i + 1] != '"') Fail(n, $"'=\"' expected after label {label}: {line}");
                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length) Fail(n, $"unterminated value of label {label}");
                    var c = line[i++];
                    if (c == '"') break;
                    if (c != '\\') { value.Append(c); continue; }
                    if (i >= line.Length) Fail(n, "backslash at the end of the line");
                    value.Append(line[i++] switch
                    {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        var other => throw Error(n, $"invalid escape \\{other} in label {label}"),
                    });
                }
                if (!labels.TryAdd(label, value.ToString())) Fail(n, $"label {label} twice");
                if (i < line.Length && line[i] == ',') { i++; continue; }
                if (i < line.Length && line[i] == '}') { i++; break; }
                Fail(n, $"',' or '}}' expected after label {label}: {line}");
            }
        }
        if (i >= line.Length || line[i] != ' ') Fail(n, $"one space expected before the value: {line}");
        var fields = line[(i + 1)..].Split(' ');
        if (fields.Length != 1) Fail(n, $"exactly one value expected (no timestamp, no extra spaces): {line}");
        if (!GoFloat().IsMatch(fields[0])) Fail(n, $"'{fields[0]}' is not a float as Go's ParseFloat reads it");
        var v = fields[0] switch
        {
            "NaN" => double.NaN,
            "+Inf" or "Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            var s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PromSeries(name, labels, v);
    }

    private static string? Identifier(string line, ref int i, bool allowColon)
    {
        var start = i;
        while (i < line.Length && (char.IsAsciiLetter(line[i]) || line[i] == '_' || (allowColon && line[i] == ':') || (i > start && char.IsAsciiDigit(line[i])))) i++;
        return i == start ? null : line[start..i];
    }

    private static string UnescapeHelp(string text, int n)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\') { sb.Append(text[i]); continue; }
            if (++i >= text.Length) Fail(n, "backslash at the end of a HELP line");
            sb.Append(text[i] switch { '\\' => '\\', 'n' => '\n', var other => throw Error(n, $"invalid escape \\{other} in HELP") });
        }
        return sb.ToString();
    }

    private static void Fail(int line, string message) => throw Error(line, message);

    private static Xunit.Sdk.XunitException Error(int line, string message) =>
        new($"not valid Prometheus text format 0.0.4{(line > 0 ? $", line {line}" : "")}: {message}");

    [GeneratedRegex(@"^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?Inf|NaN)$")]
    private static partial Regex GoFloat();
}

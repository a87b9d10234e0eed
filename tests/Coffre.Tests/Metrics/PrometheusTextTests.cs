using Coffre.Metrics.Prometheus;

namespace Coffre.Tests.Metrics;

public class PrometheusTextTests
{
    private static MetricSample Sample(double value, params (string Name, string Value)[] labels) =>
        new([.. labels.Select(l => new KeyValuePair<string, string>(l.Name, l.Value))], value);

    [Fact]
    public void Each_family_gets_help_and_type_lines_then_its_samples_families_by_name_samples_by_labels()
    {
        var text = PrometheusText.Format(
        [
            new MetricFamily("zeta_bytes", MetricType.Gauge, "Last one.", [Sample(2)]),
            new MetricFamily("alpha_total", MetricType.Counter, "Runs by result.", [Sample(3, ("result", "ok")), Sample(1, ("result", "failed"))]),
        ]);

        Assert.Equal(
            "# HELP alpha_total Runs by result.\n"
            + "# TYPE alpha_total counter\n"
            + "alpha_total{result=\"failed\"} 1\n"
            + "alpha_total{result=\"ok\"} 3\n"
            + "# HELP zeta_bytes Last one.\n"
            + "# TYPE zeta_bytes gauge\n"
            + "zeta_bytes 2\n", text);
    }

    [Fact]
    public void Label_values_escape_backslash_double_quote_and_line_feed_and_keep_other_characters()
    {
        var text = PrometheusText.Format([new MetricFamily("m", MetricType.Gauge, null,
            [Sample(1, ("path", "C:\\srv\\\"quoted\"\nnext line é ✓ {x=1},"))])]);

        Assert.Equal("# TYPE m gauge\nm{path=\"C:\\\\srv\\\\\\\"quoted\\\"\\nnext line é ✓ {x=1},\"} 1\n", text);
    }

    [Fact]
    public void Help_escapes_backslash_and_line_feed_but_not_double_quotes()
    {
        Assert.Equal(@"a \\ b \n c ""d""", PrometheusText.EscapeHelp("a \\ b \n c \"d\""));
        var text = PrometheusText.Format([new MetricFamily("m", MetricType.Gauge, "two\nlines", [Sample(0)])]);
        Assert.StartsWith("# HELP m two\\nlines\n# TYPE m gauge\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_family_without_help_has_only_its_type_line()
    {
        Assert.Equal("# TYPE m gauge\nm 5\n", PrometheusText.Format([new MetricFamily("m", MetricType.Gauge, "", [Sample(5)])]));
    }

    [Fact]
    public void Several_labels_are_written_in_the_order_given_and_samples_sort_by_their_text()
    {
        var text = PrometheusText.Format([new MetricFamily("runs_total", MetricType.Counter, null,
            [Sample(2, ("application", "shop"), ("result", "ok")), Sample(0, ("application", ""), ("result", "ok")), Sample(1, ("application", "blog"), ("result", "ok"))])]);

        Assert.Equal(
            "# TYPE runs_total counter\n"
            + "runs_total{application=\"\",result=\"ok\"} 0\n"
            + "runs_total{application=\"blog\",result=\"ok\"} 1\n"
            + "runs_total{application=\"shop\",result=\"ok\"} 2\n", text);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(-0.0, "0")]
    [InlineData(1, "1")]
    [InlineData(-7, "-7")]
    [InlineData(64290406400, "64290406400")]
    [InlineData(1795273173.711, "1795273173.711")]
    [InlineData(0.367, "0.367")]
    [InlineData(1e20, "1E+20")]
    [InlineData(1.5e-7, "1.5E-07")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Values_are_written_as_go_parses_them(double value, string expected)
    {
        Assert.Equal(expected, PrometheusText.FormatValue(value));
        if (double.IsFinite(value)) Assert.Equal(value, double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("a-b")]
    [InlineData("a.b")]
    [InlineData("")]
    public void An_invalid_metric_name_is_refused(string name)
    {
        Assert.Throws<ArgumentException>(() => PrometheusText.Format([new MetricFamily(name, MetricType.Gauge, null, [Sample(1)])]));
    }

    [Theory]
    [InlineData("a:b")]
    [InlineData("__name")]
    [InlineData("1a")]
    [InlineData("a.b")]
    public void An_invalid_or_reserved_label_name_is_refused(string label)
    {
        Assert.Throws<ArgumentException>(() => PrometheusText.Format([new MetricFamily("m", MetricType.Gauge, null, [Sample(1, (label, "v"))])]));
    }

    [Fact]
    public void A_family_named_twice_or_two_samples_with_the_same_labels_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PrometheusText.Format(
            [new MetricFamily("m", MetricType.Gauge, null, [Sample(1)]), new MetricFamily("m", MetricType.Gauge, null, [Sample(2)])]));
        Assert.Throws<ArgumentException>(() => PrometheusText.Format(
            [new MetricFamily("m", MetricType.Gauge, null, [Sample(1, ("a", "x")), Sample(2, ("a", "x"))])]));
    }

    [Fact]
    public void The_content_type_names_version_0_0_4()
    {
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", PrometheusText.ContentType);
    }
}

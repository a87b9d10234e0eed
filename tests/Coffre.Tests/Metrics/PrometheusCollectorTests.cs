using System.Diagnostics.Metrics;
using Coffre.Metrics.Prometheus;

namespace Coffre.Tests.Metrics;

public class PrometheusCollectorTests
{
    private static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);

    [Fact]
    public void Observable_instruments_are_asked_at_each_collection_and_give_their_current_values()
    {
        using var meter = new Meter("Test.Observable");
        var size = 10L;
        var asked = 0;
        meter.CreateObservableGauge("test.size", () => { asked++; return new Measurement<long>(size, Tag("repository", "/srv/a")); }, "By", "Size.");
        meter.CreateObservableCounter("test.runs", () => new[] { new Measurement<long>(3, Tag("result", "ok")), new Measurement<long>(1, Tag("result", "failed")) }, "{run}", "Runs.");
        using var collector = new PrometheusCollector(meter);

        var first = collector.Scrape();
        size = 25;
        var second = collector.Scrape();

        Assert.Equal(2, asked);
        Assert.Equal(
            "# HELP test_runs_total Runs.\n# TYPE test_runs_total counter\n"
            + "test_runs_total{result=\"failed\"} 1\ntest_runs_total{result=\"ok\"} 3\n"
            + "# HELP test_size_bytes Size.\n# TYPE test_size_bytes gauge\ntest_size_bytes{repository=\"/srv/a\"} 10\n", first);
        Assert.Contains("test_size_bytes{repository=\"/srv/a\"} 25\n", second, StringComparison.Ordinal);
    }

    [Fact]
    public void A_series_that_disappears_from_an_observation_is_no_longer_written()
    {
        using var meter = new Meter("Test.Disappearing");
        var apps = new List<string> { "blog", "shop" };
        meter.CreateObservableGauge("test.up", () => apps.Select(a => new Measurement<int>(1, Tag("application", a))));
        using var collector = new PrometheusCollector(meter);

        Assert.Equal(2, collector.Collect().Single().Samples.Count);
        apps.Remove("blog");
        var sample = Assert.Single(collector.Collect().Single().Samples);
        Assert.Equal("shop", sample.Labels.Single().Value);
    }

    [Fact]
    public void Synchronous_counters_add_up_from_the_start_and_gauges_keep_the_last_value()
    {
        using var meter = new Meter("Test.Sync");
        var counter = meter.CreateCounter<long>("test.scrapes");
        var updown = meter.CreateUpDownCounter<int>("test.running");
        var gauge = meter.CreateGauge<double>("test.temperature");
        counter.Add(5, Tag("kind", "x"));
        using var collector = new PrometheusCollector(meter);

        counter.Add(2, Tag("kind", "x"));
        counter.Add(3, Tag("kind", "x"));
        counter.Add(1, Tag("kind", "y"));
        updown.Add(4);
        updown.Add(-1);
        gauge.Record(20.5);
        gauge.Record(19.25);
        var text = collector.Scrape();

        Assert.Contains("# TYPE test_scrapes_total counter\ntest_scrapes_total{kind=\"x\"} 5\ntest_scrapes_total{kind=\"y\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE test_running gauge\ntest_running 3\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE test_temperature gauge\ntest_temperature 19.25\n", text, StringComparison.Ordinal);
        Assert.Equal(text, collector.Scrape()); // collecting does not reset what synchronous instruments added
    }

    [Fact]
    public void Tags_become_labels_sorted_by_name_with_values_as_invariant_text()
    {
        using var meter = new Meter("Test.Tags");
        meter.CreateObservableGauge("test.g", () => new Measurement<double>(0.5, Tag("z.last", 1.5), Tag("a", null), Tag("m", "quote\"d")));
        using var collector = new PrometheusCollector(meter);

        Assert.Equal("# TYPE test_g gauge\ntest_g{a=\"\",m=\"quote\\\"d\",z_last=\"1.5\"} 0.5\n", collector.Scrape());
    }

    [Fact]
    public void Only_the_given_meters_are_exported_even_when_another_has_the_same_name_and_histograms_are_left_out()
    {
        using var mine = new Meter("Test.Same");
        using var other = new Meter("Test.Same");
        mine.CreateObservableGauge("test.mine", () => 1);
        other.CreateObservableGauge("test.other", () => 2);
        mine.CreateHistogram<double>("test.latency").Record(3);
        using var collector = new PrometheusCollector(mine);

        Assert.Equal("# TYPE test_mine gauge\ntest_mine 1\n", collector.Scrape());
    }

    [Fact]
    public void Instruments_created_after_the_collector_started_are_exported_and_disposed_meters_are_dropped()
    {
        var meter = new Meter("Test.Late");
        using var collector = new PrometheusCollector(meter);
        meter.CreateObservableGauge("test.late", () => 7);

        Assert.Equal("# TYPE test_late gauge\ntest_late 7\n", collector.Scrape());
        meter.Dispose();
        Assert.Equal("", collector.Scrape());
    }

    [Fact]
    public void A_failing_callback_is_reported_after_the_other_instruments_were_observed()
    {
        using var meter = new Meter("Test.Failing");
        var okAsked = false;
        Func<int> broken = () => throw new IOException("history unreadable");
        meter.CreateObservableGauge("test.broken", broken);
        meter.CreateObservableGauge("test.fine", () => { okAsked = true; return 1; });
        using var collector = new PrometheusCollector(meter);

        var e = Assert.Throws<AggregateException>(() => collector.Collect());
        Assert.IsType<IOException>(Assert.Single(e.InnerExceptions));
        Assert.True(okAsked);
    }

    [Fact]
    public void Collections_from_several_threads_each_see_whole_observations()
    {
        using var meter = new Meter("Test.Threads");
        meter.CreateObservableGauge("test.pair", () => new[] { new Measurement<int>(1, Tag("k", "a")), new Measurement<int>(2, Tag("k", "b")) });
        var counter = meter.CreateCounter<long>("test.events");
        using var collector = new PrometheusCollector(meter);

        Parallel.For(0, 200, i =>
        {
            counter.Add(1);
            var text = collector.Scrape();
            Assert.Contains("test_pair{k=\"a\"} 1\ntest_pair{k=\"b\"} 2\n", text, StringComparison.Ordinal);
        });
        Assert.Contains("test_events_total 200\n", collector.Scrape(), StringComparison.Ordinal);
    }
}

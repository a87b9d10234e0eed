using System.Diagnostics.Metrics;
using System.Globalization;

namespace Coffre.Metrics.Prometheus;

/// <summary>
/// Listens to the instruments of the meters it is given (a <see cref="MeterListener"/>) and turns them into Prometheus
/// metric families on demand. <see cref="Collect"/> asks every observable instrument for its current values
/// (<see cref="MeterListener.RecordObservableInstruments"/>); counters and up-down counters that are updated as things
/// happen are summed from the moment the collector started. Observable and up-down counters are written as gauges or
/// counters as Prometheus expects; histograms are not exported. Safe to use from several threads.
/// </summary>
public sealed class PrometheusCollector : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly Lock gate = new();

    // Instrument -> label key -> sample. Observable instruments' entries are replaced at each collection;
    // synchronous counters' entries accumulate. Written by the measurement callbacks, read by Collect, under gate.
    private readonly Dictionary<Instrument, Dictionary<string, MetricSample>> samples = [];
    private bool collecting;

    /// <param name="meters">The meters to export (compared by reference, so two meters with the same name stay apart).</param>
    public PrometheusCollector(params Meter[] meters)
    {
        var exported = meters.ToHashSet();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (!exported.Contains(instrument.Meter) || TypeOf(instrument) is null) return;
            lock (gate) samples[instrument] = [];
            l.EnableMeasurementEvents(instrument);
        };
        listener.MeasurementsCompleted = (instrument, _) => { lock (gate) samples.Remove(instrument); };
        listener.SetMeasurementEventCallback<byte>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<short>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<float>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<decimal>((i, v, t, _) => Record(i, (double)v, t));
        listener.Start();
    }

    /// <summary>The current value of every exported instrument that has one, as metric families (one per Prometheus name).</summary>
    /// <exception cref="AggregateException">An observable instrument's callback threw (the others were still observed).</exception>
    public IReadOnlyList<MetricFamily> Collect()
    {
        lock (gate)
        {
            foreach (var (instrument, values) in samples)
                if (instrument.IsObservable) values.Clear();
            collecting = true;
            try { listener.RecordObservableInstruments(); }
            finally { collecting = false; }
            return Families();
        }
    }

    /// <summary>The current values in the text exposition format (<see cref="PrometheusText"/>).</summary>
    public string Scrape() => PrometheusText.Format(Collect());

    public void Dispose() => listener.Dispose();

    private List<MetricFamily> Families()
    {
        var byName = new Dictionary<string, (MetricType Type, string? Help, Dictionary<string, MetricSample> Samples)>(StringComparer.Ordinal);
        foreach (var (instrument, values) in samples)
        {
            if (values.Count == 0) continue;
            var type = TypeOf(instrument)!.Value;
            var name = PrometheusNaming.MetricName(instrument.Name, instrument.Unit, type);
            // Two instruments with one Prometheus name (two meters, or names that differ only by '.' and '_') share a family.
            if (!byName.TryGetValue(name, out var family))
                byName[name] = family = (type, instrument.Description, new Dictionary<string, MetricSample>(StringComparer.Ordinal));
            foreach (var (key, sample) in values) family.Samples[key] = sample;
        }
        return [.. byName.Select(f => new MetricFamily(f.Key, f.Value.Type, f.Value.Help, [.. f.Value.Samples.Values]))];
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var (name, tagValue) in tags)
            labels.Add(new(PrometheusNaming.LabelName(name), Convert.ToString(tagValue, CultureInfo.InvariantCulture) ?? ""));
        labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var key = string.Join('\u0000', labels.Select(l => l.Key + "=" + l.Value));
        // Measurement callbacks of observable instruments run on the collecting thread, which already holds the lock.
        lock (gate)
        {
            if (!samples.TryGetValue(instrument, out var values)) return;
            if (instrument.IsObservable || KindOf(instrument) == typeof(Gauge<>))
            {
                if (!instrument.IsObservable || collecting) values[key] = new MetricSample(labels, value);
            }
            else
                values[key] = new MetricSample(labels, (values.TryGetValue(key, out var old) ? old.Value : 0) + value);
        }
    }

    /// <summary>How an instrument is exported; null for kinds that are not (histograms).</summary>
    private static MetricType? TypeOf(Instrument instrument)
    {
        var kind = KindOf(instrument);
        if (kind == typeof(Counter<>) || kind == typeof(ObservableCounter<>)) return MetricType.Counter;
        if (kind == typeof(UpDownCounter<>) || kind == typeof(ObservableUpDownCounter<>) || kind == typeof(ObservableGauge<>) || kind == typeof(Gauge<>))
            return MetricType.Gauge;
        return null;
    }

    private static Type? KindOf(Instrument instrument) =>
        instrument.GetType() is { IsGenericType: true } type ? type.GetGenericTypeDefinition() : null;
}

using System.Diagnostics.Metrics;
using Coffre.Journal;

namespace Coffre.Metrics;

/// <summary>
/// Coffre's metrics (docs/metrics.md): a <see cref="System.Diagnostics.Metrics.Meter"/> named <c>Coffre</c> whose
/// observable instruments read the run history (last backup and drill per application, backups by result) and the
/// repository folders (size, free disk) each time a listener collects them. Nothing is kept between collections
/// except the parsed history, read again when its file changes. Instrument names follow OpenTelemetry
/// (<c>coffre.last_backup.timestamp</c>, unit <c>s</c>); the Prometheus exporter writes them
/// <c>coffre_last_backup_timestamp_seconds</c>.
/// </summary>
public sealed class CoffreMetrics : IDisposable
{
    public const string MeterName = "Coffre";

    private const string ApplicationLabel = "application";
    private const string RepositoryLabel = "repository";
    private const string ResultLabel = "result";
    private const string CopyLabel = "copy";
    private const string LocationLabel = "location";

    private readonly RunHistoryCache history;
    private readonly IReadOnlyList<string> repositories;
    private readonly IReadOnlyList<(string Application, IReadOnlyList<Configuration.CopySection> Copies)> copies;

    public CoffreMetrics(IEnumerable<MetricsTarget> targets)
    {
        var list = targets.ToList();
        repositories = [.. list.Select(t => t.Repository).OfType<string>().Select(FullPath).Distinct(StringComparer.Ordinal)];
        history = new RunHistoryCache(
            [.. list.Select(t => t.LogFolder).OfType<string>().Select(FullPath).Distinct(StringComparer.Ordinal)],
            [.. list.Select(t => t.Application).OfType<string>()]);
        copies = [.. list.Where(t => t.Application is not null && t.Copies.Count > 0).Select(t => (t.Application!, t.Copies))];
        Meter = new Meter(MeterName, ProgramInfo.Version);

        Meter.CreateObservableGauge("coffre.last_backup.timestamp", () => PerApplication(a => Seconds(a.LastBackup)), "s",
            "When the last backup run of the application ended (Unix time), whatever its result.");
        Meter.CreateObservableGauge("coffre.last_backup.success", () => PerApplication(a => a.LastBackup is { } r ? (r.Result == RunResults.Ok ? 1 : 0) : null), null,
            "1 when the last backup run of the application ended ok, 0 otherwise (failed, incomplete, wrong password, interrupted).");
        Meter.CreateObservableGauge("coffre.last_successful_backup.timestamp", () => PerApplication(a => Seconds(a.LastSuccessfulBackup)), "s",
            "When the last backup run of the application that ended ok ended (Unix time).");
        Meter.CreateObservableGauge("coffre.last_backup.duration", () => PerApplication(a => a.LastBackup?.DurationSeconds), "s",
            "How long the last backup run of the application took.");
        Meter.CreateObservableGauge("coffre.last_backup.added", () => PerApplication(a => a.LastWrittenBackup?.BytesAdded), "By",
            "New data the last backup that wrote a snapshot stored in the repository, before compression.");
        Meter.CreateObservableCounter("coffre.backups", BackupsByResult, "{backup}",
            "Backup runs recorded in the run history, by result (ok, incomplete, failed, wrong-password, interrupted).");
        Meter.CreateObservableGauge("coffre.last_drill.timestamp", () => PerApplication(a => Seconds(a.LastDrill)), "s",
            "When the last restore drill of the application ended (Unix time), whatever its result.");
        Meter.CreateObservableGauge("coffre.last_drill.success", () => PerApplication(a => a.LastDrill is { } r ? (r.Result == RunResults.Ok ? 1 : 0) : null), null,
            "1 when the last restore drill of the application passed, 0 when it failed.");
        Meter.CreateObservableGauge("coffre.copy.behind_snapshots", () => PerCopy(c => c.Behind), null,
            "Backups written since the copy last received one (coffre.json copies): each is missing there until 'coffre copy'.");
        Meter.CreateObservableGauge("coffre.copy.last_success.timestamp", () => PerCopy(c => c.LastSuccess is { } t ? t.ToUnixTimeMilliseconds() / 1000.0 : null), "s",
            "When a backup last reached the copy (Unix time).");
        Meter.CreateObservableGauge("coffre.copy.failing", () => PerCopy(c => c.Failing ? 1 : 0), null,
            "1 when the last attempt to copy a backup to the copy failed, 0 otherwise.");
        Meter.CreateObservableGauge("coffre.repository.present", () => PerRepository(r => RepositoryUsage.IsRepository(r) ? 1 : 0), null,
            "1 when the repository folder holds a repository (its config file), 0 when it is missing or unmounted.");
        Meter.CreateObservableGauge("coffre.repository.size", () => PerRepository(RepositoryUsage.SizeOnDisk), "By",
            "Bytes of the files in the repository folder.");
        Meter.CreateObservableGauge("coffre.disk.free", () => PerRepository(RepositoryUsage.FreeBytes), "By",
            "Bytes still available to Coffre on the file system that holds the repository.");
    }

    public Meter Meter { get; }

    public void Dispose() => Meter.Dispose();

    private IEnumerable<Measurement<double>> PerApplication(Func<ApplicationRuns, double?> value)
    {
        foreach (var app in history.Current())
            if (value(app) is { } v) yield return new Measurement<double>(v, new KeyValuePair<string, object?>(ApplicationLabel, app.Application));
    }

    private IEnumerable<Measurement<double>> PerCopy(Func<Maintenance.Copy.CopyLag, double?> value)
    {
        var runs = history.Current();
        foreach (var (application, list) in copies)
        {
            var recorded = runs.FirstOrDefault(a => a.Application == application)?.CopyRuns ?? [];
            foreach (var lag in Maintenance.Copy.CopyLags.FromHistory(application, list, recorded))
                if (value(lag) is { } v)
                    yield return new Measurement<double>(v, new KeyValuePair<string, object?>(ApplicationLabel, application),
                        new KeyValuePair<string, object?>(CopyLabel, lag.Label), new KeyValuePair<string, object?>(LocationLabel, lag.Location));
        }
    }

    private IEnumerable<Measurement<long>> BackupsByResult()
    {
        foreach (var app in history.Current())
            foreach (var (result, count) in app.BackupsByResult)
                yield return new Measurement<long>(count,
                    new KeyValuePair<string, object?>(ApplicationLabel, app.Application), new KeyValuePair<string, object?>(ResultLabel, result));
    }

    private IEnumerable<Measurement<long>> PerRepository(Func<string, long?> value)
    {
        foreach (var repository in repositories)
            if (value(repository) is { } v) yield return new Measurement<long>(v, new KeyValuePair<string, object?>(RepositoryLabel, repository));
    }

    /// <summary>Absolute, without a trailing slash: <c>/srv/logs/</c> and <c>/srv/logs</c> are one folder.</summary>
    private static string FullPath(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private static double? Seconds(RunRecord? run) => run is null ? null : run.End.ToUnixTimeMilliseconds() / 1000.0;
}

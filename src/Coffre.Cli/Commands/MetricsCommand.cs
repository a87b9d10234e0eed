using System.CommandLine;
using Coffre.Cli.Output;
using Coffre.Journal;
using Coffre.Metrics;
using Coffre.Metrics.Prometheus;

namespace Coffre.Cli.Commands;

/// <summary>
/// <c>coffre metrics</c>: the metrics of the repository and the application in the Prometheus text format
/// (docs/metrics.md), e.g. for node_exporter's textfile collector. Needs no password and does not open the repository.
/// </summary>
internal static class MetricsCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (atomically: a temp file renamed over it) instead of stdout, e.g. /var/lib/node_exporter/textfile/coffre.prom" };
        var cmd = new Command("metrics", "Print the backup metrics (last backup, its result, duration and data added, backups by result, last drill, repository size, free disk) in the Prometheus text format") { output };
        CommandRunner.SetAction(cmd, (pr, ct) =>
        {
            var target = Target(pr);
            using var metrics = new CoffreMetrics([target]);
            using var collector = new PrometheusCollector(metrics.Meter);
            IReadOnlyList<MetricFamily> families;
            try { families = collector.Collect(); }
            catch (AggregateException e) { throw new CoffreException($"cannot read the metrics: {e.InnerExceptions[0].Message}", e); }
            if (pr.GetValue(GlobalOptions.Json))
                JsonText.Print(families.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => new
                {
                    name = f.Name,
                    type = f.Type == MetricType.Counter ? "counter" : "gauge",
                    help = f.Help,
                    samples = f.Samples.Select(s => new { labels = s.Labels.ToDictionary(l => l.Key, l => l.Value), value = s.Value }),
                }));
            else if (pr.GetValue(output) is { } file) WriteAtomically(file, PrometheusText.Format(families));
            else Console.Out.Write(PrometheusText.Format(families));
            return Task.FromResult(ExitCodes.Ok);
        });
        return cmd;
    }

    /// <summary>The repository (-r, COFFRE_REPOSITORY, else coffre.json's), its log folder and the configured application.</summary>
    private static MetricsTarget Target(ParseResult pr)
    {
        var config = AppConfig.IsPresent(pr) ? AppConfig.Load(pr) : null;
        var repository = RepositoryOpener.GivenLocation(pr) ?? config?.Repository.Location;
        var logs = LogPaths.Resolve(config?.Logging.Path, repository);
        if (repository is null && logs is null)
            throw new CoffreException("no repository given: use -r/--repo PATH, set COFFRE_REPOSITORY, or run where coffre.json is", ExitCodes.NoRepository);
        return new MetricsTarget
        {
            Repository = repository is null ? null : Path.GetFullPath(repository),
            LogFolder = logs,
            Application = config?.Application,
            Copies = config?.Copies ?? [],
        };
    }

    /// <summary>
    /// A scraper (node_exporter reads *.prom files) never sees a half-written file: the text goes to a temp file in the
    /// same folder, which then replaces the file in one rename.
    /// </summary>
    private static void WriteAtomically(string file, string text)
    {
        var full = Path.GetFullPath(file);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { } // the folder itself is missing: nothing to clean
            throw new CoffreException($"cannot write the metrics to {full}: {e.Message}", e);
        }
    }
}

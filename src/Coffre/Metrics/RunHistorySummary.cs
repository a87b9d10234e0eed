using Coffre.Journal;

namespace Coffre.Metrics;

/// <summary>
/// Reduces the run history (history.jsonl, docs/logging.md) to what the metrics report per application: the last
/// backup, the last successful one, the last drill, and backups counted by result. Only <c>backup</c> and
/// <c>drill</c> runs count; a backup without an application (plain files) counts under the empty application.
/// </summary>
public static class RunHistorySummary
{
    public const string BackupOperation = "backup";
    public const string DrillOperation = "drill";
    public const string CopyOperation = "copy";

    /// <param name="runs">The recorded runs, oldest first.</param>
    /// <param name="applications">Applications reported even before their first run (counters at zero).</param>
    /// <returns>One entry per application, in name order.</returns>
    public static IReadOnlyList<ApplicationRuns> Summarize(IEnumerable<RunRecord> runs, IEnumerable<string> applications)
    {
        var byApplication = applications.Distinct(StringComparer.Ordinal).ToDictionary(a => a, a => new ApplicationRuns(a), StringComparer.Ordinal);
        foreach (var run in runs)
        {
            if (run.Operation is not (BackupOperation or DrillOperation or CopyOperation)) continue;
            var name = run.Application ?? "";
            if (run.Operation == CopyOperation)
            {
                // `coffre copy` only tells about copies: it makes no application appear.
                if (byApplication.TryGetValue(name, out var copied)) copied.AddCopy(run);
                continue;
            }
            if (!byApplication.TryGetValue(name, out var app)) byApplication[name] = app = new ApplicationRuns(name);
            if (run.Operation == BackupOperation) app.AddBackup(run);
            else app.AddDrill(run);
        }
        return [.. byApplication.Values.OrderBy(a => a.Application, StringComparer.Ordinal)];
    }
}

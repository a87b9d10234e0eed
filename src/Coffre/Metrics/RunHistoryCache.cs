using Coffre.Journal;

namespace Coffre.Metrics;

/// <summary>
/// The summary of the run histories of some log folders, read again only when a history file changed (its size or
/// modification time): a collection asks every instrument in turn, and each would otherwise read the files.
/// </summary>
internal sealed class RunHistoryCache(IReadOnlyList<string> logFolders, IReadOnlyList<string> applications)
{
    private readonly Lock gate = new();
    private string? stamp;
    private IReadOnlyList<ApplicationRuns> summary = [];

    public IReadOnlyList<ApplicationRuns> Current()
    {
        lock (gate)
        {
            var now = Stamp();
            if (now != stamp)
            {
                var runs = logFolders.SelectMany(f => new RunJournal(f, TimeProvider.System).ReadHistory());
                summary = RunHistorySummary.Summarize(runs, applications);
                stamp = now;
            }
            return summary;
        }
    }

    private string Stamp() => string.Join('|', logFolders
        .Select(f => Path.Combine(f, LogPaths.HistoryFile))
        .SelectMany(h => new[] { h + ".1", h })
        .Select(file => new FileInfo(file) is { Exists: true } i ? $"{i.Length}@{i.LastWriteTimeUtc.Ticks}" : "-"));
}

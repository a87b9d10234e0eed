using System.Runtime.InteropServices;
using Coffre.Journal;
using Coffre.Platform;

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
        .Select(file => Present(file) ? Version(new FileInfo(file)) : "-"));

    private static string Version(FileInfo file) => $"{file.Length}@{file.LastWriteTimeUtc.Ticks}";

    /// <summary>
    /// Whether a history file is there. A folder the process may not enter (logs are 0700) throws: metrics that
    /// silently showed no runs would look like a server that never backed up.
    /// </summary>
    private static bool Present(string file)
    {
        var errno = Posix.TryLStat(UnixPath.FromString(file), out _);
        if (errno is 0) return true;
        if (errno is Errno.ENOENT or Errno.ENOTDIR) return false;
        throw new IOException($"cannot read the run history {file}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }
}

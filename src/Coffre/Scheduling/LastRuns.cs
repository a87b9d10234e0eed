using Coffre.Journal;

namespace Coffre.Scheduling;

/// <summary>
/// When each job last ran, from the run history (<c>history.jsonl</c>, docs/logging.md). The history records runs,
/// not what the repository holds; no record (or no history at all) means "never ran". An <c>interrupted</c> run
/// does not count (it did not do its work, so the scheduler catches it up); a failed one does (retrying a failure at
/// every start would hide it behind a loop). A full drill counts as a drill too. Prune and check work on a repository:
/// any run of them on the same repository counts.
/// </summary>
public static class LastRuns
{
    public static IReadOnlyDictionary<JobKind, DateTimeOffset> FromHistory(IEnumerable<RunRecord> history, string application, string? repository)
    {
        ArgumentNullException.ThrowIfNull(history);
        var last = new Dictionary<JobKind, DateTimeOffset>();
        void Saw(JobKind kind, DateTimeOffset start)
        {
            if (!last.TryGetValue(kind, out var seen) || start > seen) last[kind] = start;
        }
        foreach (var r in history)
        {
            if (r.Result == RunResults.Interrupted) continue;
            var ours = r.Application == application;
            switch (r.Operation)
            {
                case "backup" when ours:
                    Saw(JobKind.Backup, r.Start);
                    break;
                case "drill" when ours:
                    Saw(JobKind.Drill, r.Start);
                    if (r.Checked?.EndsWith("(full)", StringComparison.Ordinal) == true) Saw(JobKind.FullDrill, r.Start);
                    break;
                case "prune" when ours || (repository is not null && r.Repository == repository):
                    Saw(JobKind.Prune, r.Start);
                    break;
                case "check" when ours || (repository is not null && r.Repository == repository):
                    Saw(JobKind.Check, r.Start);
                    break;
            }
        }
        return last;
    }
}

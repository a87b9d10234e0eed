using Coffre.Configuration;
using Coffre.Journal;

namespace Coffre.Maintenance.Copy;

/// <summary>
/// How far behind one copy is, from the run history alone (no repository opened): when a backup last reached it,
/// how many backups written since have not, and why the last attempt failed (null when it did not).
/// </summary>
/// <param name="Behind">Backups written (ok or incomplete) since the copy last received one: each is missing there.</param>
public sealed record CopyLag(string Label, string Location, DateTimeOffset? LastSuccess, int Behind, DateTimeOffset? LastFailure, string? LastError)
{
    /// <summary>The last attempt to copy to it failed.</summary>
    public bool Failing => LastError is not null;
}

/// <summary>
/// Reads each copy's state from the history's <c>backup</c> records (their <c>copies</c> line, one part per copy:
/// <c>LOCATION: copied as ID</c>, <c>LOCATION: failed: REASON</c>) and <c>copy</c> records (<c>coffre copy</c>,
/// which brings every copy up to date).
/// </summary>
public static class CopyLags
{
    public const string BackupOperation = "backup";
    public const string CopyOperation = "copy";

    /// <summary>How a copy is named in the journal: its location, local ones absolute, a URL's password masked.</summary>
    public static string JournalName(CopySection copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        if (copy.Location is null) return copy.ToString();
        try { return Storage.RepositoryLocation.Canonical(copy.Location); }
        catch (CoffreException) { return copy.ToString(); }
    }

    /// <param name="history">The run history, oldest first; runs of other applications are ignored.</param>
    public static IReadOnlyList<CopyLag> FromHistory(CoffreConfig config, IEnumerable<RunRecord> history)
    {
        ArgumentNullException.ThrowIfNull(config);
        return FromHistory(config.Application, config.Copies, history);
    }

    /// <param name="application">Whose runs count (coffre.json's <c>application</c>).</param>
    /// <param name="copies">That application's copies.</param>
    /// <param name="history">The run history, oldest first; runs of other applications are ignored.</param>
    public static IReadOnlyList<CopyLag> FromHistory(string? application, IReadOnlyList<CopySection> copies, IEnumerable<RunRecord> history)
    {
        ArgumentNullException.ThrowIfNull(copies);
        ArgumentNullException.ThrowIfNull(history);
        var runs = history.Where(r => r.Operation is BackupOperation or CopyOperation && r.Application == application && r.Result != RunResults.Interrupted).ToList();
        return [.. copies.Select(c => Lag(c, copies, runs))];
    }

    private static CopyLag Lag(CopySection copy, IReadOnlyList<CopySection> copies, List<RunRecord> runs)
    {
        var name = JournalName(copy);
        var others = copies.Where(c => c != copy).Select(JournalName).ToList();
        DateTimeOffset? success = null, failure = null;
        string? error = null;
        var behind = 0;
        foreach (var run in runs)
        {
            var (copied, failed) = StateIn(run.Copies, name, others);
            if (run.Operation == BackupOperation)
            {
                if (run.SnapshotId is null || run.Result is not (RunResults.Ok or RunResults.Incomplete)) continue;
                if (copied) (success, behind, error) = (run.End, 0, null);
                else behind++;
            }
            // `coffre copy` without a per-copy line (older records): ok means every copy is up to date.
            else if (copied || (run.Copies is null && run.Result == RunResults.Ok)) (success, behind, error) = (run.End, 0, null);
            if (failed is not null) (failure, error) = (run.End, failed);
        }
        return new CopyLag(copy.Label, name, success, behind, failure, error);
    }

    /// <summary>Whether a run's copies line says <paramref name="name"/> was copied, or why it failed.</summary>
    internal static (bool Copied, string? Failed) StateIn(string? copies, string name, IReadOnlyList<string> others)
    {
        if (copies is null) return (false, null);
        var start = 0;
        while ((start = copies.IndexOf(name + ": ", start, StringComparison.Ordinal)) >= 0)
        {
            if (start == 0 || copies.AsSpan(0, start).EndsWith("; "))
            {
                var rest = copies[(start + name.Length + 2)..];
                if (rest.StartsWith("copied as", StringComparison.Ordinal) || rest.StartsWith("up to date", StringComparison.Ordinal)) return (true, null);
                if (rest.StartsWith("failed: ", StringComparison.Ordinal))
                {
                    var reason = rest["failed: ".Length..];
                    // The reason runs to the next copy's part.
                    var end = others.Select(o => reason.IndexOf("; " + o + ": ", StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(reason.Length).Min();
                    return (false, reason[..end]);
                }
            }
            start += name.Length;
        }
        return (false, null);
    }
}

using System.Globalization;
using Coffre.Configuration;
using Coffre.Journal;

namespace Coffre.Maintenance.Copy;

/// <summary>
/// Whether one backup reached a copy, as the run history tells it (no repository opened): copied after the backup
/// (its ID there), brought by a later <c>coffre copy</c>, or missing and why. The copy's own retention may have
/// removed it since; <c>coffre list</c> reads the copies themselves.
/// </summary>
public sealed record CopyPresence(string Label, string Location, bool Reached, string Text)
{
    /// <param name="history">The run history, oldest first.</param>
    /// <returns>One entry per copy of <paramref name="config"/>, in its order.</returns>
    public static IReadOnlyList<CopyPresence> ForSnapshot(CoffreConfig config, IEnumerable<RunRecord> history, string snapshotId)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(history);
        var runs = history.Where(r => r.Application == config.Application && r.Operation is CopyLags.BackupOperation or CopyLags.CopyOperation).ToList();
        var made = runs.FindLastIndex(r => r.Operation == CopyLags.BackupOperation && r.SnapshotId == snapshotId);
        var names = config.Copies.Select(CopyLags.JournalName).ToList();
        var result = new List<CopyPresence>();
        foreach (var copy in config.Copies)
        {
            var name = CopyLags.JournalName(copy);
            var others = names.Where(n => n != name).ToList();
            if (made < 0)
            {
                result.Add(new CopyPresence(copy.Label, name, false, "not known: this backup is not in the run history"));
                continue;
            }
            var (copied, failed) = CopyLags.StateIn(runs[made].Copies, name, others);
            if (copied)
            {
                result.Add(new CopyPresence(copy.Label, name, true, "copied after the backup"));
                continue;
            }
            var later = runs.Skip(made + 1).FirstOrDefault(r => r.Operation == CopyLags.CopyOperation
                && (CopyLags.StateIn(r.Copies, name, others).Copied || (r.Copies is null && r.Result == RunResults.Ok)));
            result.Add(later is not null
                ? new CopyPresence(copy.Label, name, true, $"copied later by coffre copy ({later.End.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)})")
                : new CopyPresence(copy.Label, name, false, failed is null ? "not copied: run coffre copy" : $"missing: the copy failed ({failed}); run coffre copy"));
        }
        return result;
    }
}

using Coffre.Jobs;
using Coffre.Journal;
using Coffre.Metrics;
using Coffre.Application;

namespace Coffre.Server;

/// <summary>What the dashboard shows, gathered on each request: the repository (through the service's <see cref="ReadSession"/>), the journal and the schedule.</summary>
internal sealed record DashboardData
{
    public IReadOnlyList<BackupInfo> Backups { get; init; } = [];

    /// <summary>Why the backups could not be listed (no repository yet, the password variable missing...), or null.</summary>
    public string? BackupsProblem { get; init; }

    public IReadOnlyList<RunRecord> History { get; init; } = [];
    public long? RepositorySize { get; init; }
    public long? FreeDisk { get; init; }

    /// <summary>The last sign-ins (logins.jsonl), shown among the last runs.</summary>
    public IReadOnlyList<RunRecord> SignIns { get; init; } = [];

    /// <summary>What to do about a backup a check, a drill or its own metadata showed damaged (full snapshot ID → one line); none for a sound one.</summary>
    public IReadOnlyDictionary<string, string> BackupMarks { get; init; } = new Dictionary<string, string>();

    public static async Task<DashboardData> GatherAsync(ServerSetup setup, ReadSession session, JournalReader journal, LoginJournal logins, int signIns, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var history = journal.History().Where(r => r.Application == setup.Config.Application || r.Application is null).ToList();
        IReadOnlyList<BackupInfo> backups = [];
        var marks = new Dictionary<string, string>(StringComparer.Ordinal);
        string? problem = null;
        try { backups = await ListBackupsAsync(setup, session, history, marks, ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problem = LogLine.OneLine(e.Message);
        }
        return new DashboardData
        {
            Backups = backups,
            BackupsProblem = problem,
            BackupMarks = marks,
            SignIns = logins.Recent(signIns),
            History = history,
            RepositorySize = RepositoryUsage.SizeOnDisk(setup.RepositoryPath),
            FreeDisk = RepositoryUsage.FreeBytes(setup.RepositoryPath),
        };
    }

    /// <summary>
    /// Every backup of the application, newest first, whatever happens to one of them: a backup whose metadata cannot
    /// be read (a missing or damaged pack) is listed with that said, never in place of the list. Marks the backups the
    /// last check found damaged (the damage ledger) and those whose last drill failed.
    /// </summary>
    private static async Task<IReadOnlyList<BackupInfo>> ListBackupsAsync(ServerSetup setup, ReadSession session, List<RunRecord> history, Dictionary<string, string> marks, CancellationToken ct)
    {
        var manager = new BackupManager(setup.Config, setup.Clock, setup.Environment);
        var repo = await session.RepositoryAsync(ct);
        var damaged = repo.Damage.DamagedSnapshots.ToDictionary(d => d.Snapshot, StringComparer.Ordinal);
        var drills = history.Where(r => r.Operation == RunHistorySummary.DrillOperation && !RunResults.Stopped(r.Result) && r.SnapshotId is not null)
            .GroupBy(r => r.SnapshotId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var list = new List<BackupInfo>();
        foreach (var s in (await session.SnapshotsAsync(ct)).Where(s => s.Snapshot.Tags?.Contains(manager.AppTag) == true))
        {
            var id = s.Id.ToString();
            ApplicationMetadata? meta = null;
            try { meta = await session.MetadataAsync(s, ct); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                marks[id] = $"its metadata cannot be read ({LogLine.OneLine(FailureMessage.Describe(e, false).Message)}): run 'coffre check --read-data', then see docs/repair.md";
            }
            if (damaged.TryGetValue(id, out var d))
                marks[id] = $"damaged: {d.Paths} path(s) cannot be restored (check of {d.At.ToLocalTime():yyyy-MM-dd HH:mm}); see docs/repair.md, the next backup stores the data again";
            else if (drills.TryGetValue(id, out var drill) && drill.Result != RunResults.Ok)
                marks[id] = $"its drill failed ({drill.End.ToLocalTime():yyyy-MM-dd HH:mm}): {drill.Error ?? drill.Result}";
            list.Add(new BackupInfo(s.Id, s.Snapshot.Time.ToDateTimeOffset(), s.Snapshot.Summary?.TotalBytesProcessed ?? (ulong)(meta?.TotalSize ?? 0), meta, s.Snapshot.Tags ?? []));
        }
        list.Reverse();
        return list;
    }

    public IEnumerable<RunRecord> BackupRuns => History.Where(r => r.Operation == RunHistorySummary.BackupOperation);

    public RunRecord? LastSuccess => BackupRuns.LastOrDefault(r => r.Result == RunResults.Ok);

    public RunRecord? LastDrill => History.LastOrDefault(r => r.Operation == RunHistorySummary.DrillOperation && !RunResults.Stopped(r.Result));

    /// <summary>Share of the recorded backups that ended ok (interrupted runs left out), or null without any.</summary>
    public double? SuccessRate
    {
        get
        {
            var runs = BackupRuns.Where(r => !RunResults.Stopped(r.Result)).ToList();
            return runs.Count == 0 ? null : 100.0 * runs.Count(r => r.Result == RunResults.Ok) / runs.Count;
        }
    }
}

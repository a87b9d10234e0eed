using Coffre.Jobs;
using Coffre.Journal;
using Coffre.Metrics;

namespace Coffre.Server;

/// <summary>What the dashboard shows, gathered on each request from the engine: the repository, the journal and the schedule.</summary>
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

    public static async Task<DashboardData> GatherAsync(ServerSetup setup, JournalReader journal, LoginJournal logins, int signIns, CancellationToken ct)
    {
        IReadOnlyList<BackupInfo> backups = [];
        string? problem = null;
        try { backups = await new BackupManager(setup.Config, setup.Clock, setup.Environment).ListBackupsAsync(null, ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problem = LogLine.OneLine(e.Message);
        }
        var history = journal.History();
        return new DashboardData
        {
            Backups = backups,
            BackupsProblem = problem,
            SignIns = logins.Recent(signIns),
            History = history.Where(r => r.Application == setup.Config.Application || r.Application is null).ToList(),
            RepositorySize = RepositoryUsage.SizeOnDisk(setup.RepositoryPath),
            FreeDisk = RepositoryUsage.FreeBytes(setup.RepositoryPath),
        };
    }

    public IEnumerable<RunRecord> BackupRuns => History.Where(r => r.Operation == RunHistorySummary.BackupOperation);

    public RunRecord? LastSuccess => BackupRuns.LastOrDefault(r => r.Result == RunResults.Ok);

    public RunRecord? LastDrill => History.LastOrDefault(r => r.Operation == RunHistorySummary.DrillOperation && r.Result != RunResults.Interrupted);

    /// <summary>Share of the recorded backups that ended ok (interrupted runs left out), or null without any.</summary>
    public double? SuccessRate
    {
        get
        {
            var runs = BackupRuns.Where(r => r.Result != RunResults.Interrupted).ToList();
            return runs.Count == 0 ? null : 100.0 * runs.Count(r => r.Result == RunResults.Ok) / runs.Count;
        }
    }
}

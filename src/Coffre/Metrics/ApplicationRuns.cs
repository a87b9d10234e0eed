using Coffre.Journal;

namespace Coffre.Metrics;

/// <summary>What the run history says about one application's backups and drills (<see cref="RunHistorySummary"/>).</summary>
public sealed class ApplicationRuns(string application)
{
    /// <summary>Every result a run can end with (<see cref="RunResults"/>): each is counted, zero included.</summary>
    public static readonly IReadOnlyList<string> Results =
        [RunResults.Ok, RunResults.Incomplete, RunResults.Failed, RunResults.WrongPassword, RunResults.Interrupted, RunResults.Cancelled];

    private readonly Dictionary<string, long> backupsByResult = Results.ToDictionary(r => r, _ => 0L, StringComparer.Ordinal);

    /// <summary>coffre.json's <c>application</c>; empty for plain file backups, which have none.</summary>
    public string Application { get; } = application;

    /// <summary>The backup run that ended last, whatever its result.</summary>
    public RunRecord? LastBackup { get; private set; }

    /// <summary>The last backup run that ended <c>ok</c>.</summary>
    public RunRecord? LastSuccessfulBackup { get; private set; }

    /// <summary>The last backup run that wrote a snapshot (<c>ok</c> or <c>incomplete</c>): the one whose data added is reported.</summary>
    public RunRecord? LastWrittenBackup { get; private set; }

    /// <summary>The drill that ended last, whatever its result.</summary>
    public RunRecord? LastDrill { get; private set; }

    /// <summary>Backup runs per result, since the history began (or last rolled).</summary>
    public IReadOnlyDictionary<string, long> BackupsByResult => backupsByResult;

    /// <summary>The backup and copy runs, oldest first: what says how far behind each copy is (<see cref="Maintenance.Copy.CopyLags"/>).</summary>
    public IReadOnlyList<RunRecord> CopyRuns => copyRuns;

    private readonly List<RunRecord> copyRuns = [];

    internal void AddCopy(RunRecord run) => copyRuns.Add(run);

    internal void AddBackup(RunRecord run)
    {
        copyRuns.Add(run);
        backupsByResult[run.Result] = backupsByResult.GetValueOrDefault(run.Result) + 1;
        LastBackup = Later(LastBackup, run);
        if (run.Result == RunResults.Ok) LastSuccessfulBackup = Later(LastSuccessfulBackup, run);
        if (run.SnapshotId is not null && run.Result is RunResults.Ok or RunResults.Incomplete) LastWrittenBackup = Later(LastWrittenBackup, run);
    }

    internal void AddDrill(RunRecord run) => LastDrill = Later(LastDrill, run);

    /// <summary>The run that ended later; on a tie the one read later (the history is in the order runs ended).</summary>
    private static RunRecord Later(RunRecord? current, RunRecord run) => current is null || run.End >= current.End ? run : current;
}

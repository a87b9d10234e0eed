using Coffre.Maintenance.Copy;

namespace Coffre.Health;

/// <summary>
/// The findings about coffre.json's copies, from the run history (<see cref="CopyLags"/>): a copy whose last attempt
/// failed, or that lacks backups written since it last received one. Failing when the copy has gone without a
/// backup for longer than the backup schedule allows (the same grace as an overdue backup), attention before.
/// </summary>
public static class CopyRules
{
    public static IReadOnlyList<HealthFinding> Copies(HealthInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!inputs.HasConfiguration || inputs.Config.Copies.Count == 0) return [];
        var findings = new List<HealthFinding>();
        var fix = "coffre copy" + inputs.CommandSuffix;
        var history = inputs.History.Where(inputs.Concerns).ToList();
        foreach (var lag in CopyLags.FromHistory(inputs.Config, history))
        {
            if (!lag.Failing && lag.Behind == 0) continue;
            var since = lag.LastSuccess is { } s ? $"last received a backup {HistoryRules.When(s)}" : "has never received a backup";
            var missing = lag.Behind == 0 ? "" : $"; it lacks {lag.Behind} backup(s)";
            // Overdue from its last success (else its first backup after it was configured, as for backups).
            var from = lag.LastSuccess ?? history.FirstOrDefault(r => r.Operation == CopyLags.BackupOperation)?.Start;
            var overdue = lag.Behind > 0 && HistoryRules.Overdue(inputs, inputs.Config.Schedule.Backup, from, HistoryRules.UnscheduledBackupAge) is not null;
            var text = lag.Failing
                ? $"copy {lag.Label} failed {HistoryRules.When(lag.LastFailure!.Value)}: {lag.LastError}; it {since}{missing}"
                : $"copy {lag.Label} {since}{missing}";
            var code = lag.Failing ? "copy-failing" : "copy-behind";
            var howTo = lag.Failing ? $"make {lag.Location} reachable (disk mounted, server up, password and credentials right), then {fix}" : fix;
            findings.Add(overdue ? HealthFinding.Failing(code, text, howTo) : HealthFinding.Attention(code, text, howTo));
        }
        return findings;
    }
}

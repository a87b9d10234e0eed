using System.Globalization;
using Coffre.Journal;
using Coffre.Scheduling;

namespace Coffre.Health;

/// <summary>
/// The findings the journal alone proves: backups overdue, failing or incomplete; the last check, drill, prune or
/// restore failed; drills or checks too old for their schedule; alerts that could not be delivered.
/// </summary>
public static class HistoryRules
{
    /// <summary>An alert that failed longer ago than this is no longer a finding.</summary>
    public static readonly TimeSpan RecentAlertFailure = TimeSpan.FromDays(1);

    /// <summary>Without a drill schedule, a restore should still have been tested within this long.</summary>
    public static readonly TimeSpan UnscheduledDrillAge = TimeSpan.FromDays(30);

    /// <summary>Without a backup schedule, a backup older than this is a finding.</summary>
    public static readonly TimeSpan UnscheduledBackupAge = TimeSpan.FromDays(7);

    public static IReadOnlyList<HealthFinding> Backups(HealthInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var findings = new List<HealthFinding>();
        var runs = Ended(inputs, "backup");
        var fix = "coffre backup" + inputs.CommandSuffix;
        var written = runs.LastOrDefault(r => r.Result is RunResults.Ok or RunResults.Incomplete);
        if (Overdue(inputs, inputs.Config.Schedule.Backup, written?.Start ?? runs.FirstOrDefault()?.Start, UnscheduledBackupAge) is { } due)
            findings.Add(HealthFinding.Failing("backup-overdue",
                written is null ? $"no backup has succeeded yet (the first was due {When(due)})" : $"no successful backup since {When(written.End)} (the next was due {When(due)})",
                $"{fix}; then see why the scheduled one did not run (coffre log)"));
        else if (runs.Count == 0 && inputs.HasConfiguration)
            findings.Add(HealthFinding.Attention("no-backup", "no backup was recorded yet", fix));

        if (Streak(runs, r => r.Result is not (RunResults.Ok or RunResults.Incomplete)) is { } failing)
            findings.Add(HealthFinding.Failing("backup-failing", Describe(failing, "backup"), $"fix what the error says, then {fix}"));
        else if (runs.Count > 0 && runs[^1].Result == RunResults.Incomplete)
            findings.Add(HealthFinding.Attention("backup-incomplete",
                $"the last backup ({When(runs[^1].End)}) is incomplete: {runs[^1].Error ?? "some files could not be read"}",
                $"make those files readable by the backup's user, then {fix}"));
        return findings;
    }

    public static IReadOnlyList<HealthFinding> Check(HealthInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var runs = Ended(inputs, "check");
        var fix = "coffre check --read-data" + inputs.CommandSuffix;
        if (runs.Count > 0 && runs[^1].Result != RunResults.Ok)
            return [HealthFinding.Failing("check-failed", $"the last check ({When(runs[^1].End)}) failed: {runs[^1].Error ?? runs[^1].Result}",
                $"{fix}, then 'coffre repair' as it says (docs/repair.md); a new backup stores damaged data again")];
        if (inputs.Config.Schedule.Check is { } schedule && Overdue(inputs, schedule, runs.LastOrDefault()?.Start ?? FirstBackup(inputs), null) is { } due)
            return [HealthFinding.Attention("check-overdue", $"no check since {(runs.Count == 0 ? "ever" : When(runs[^1].End))} (due {When(due)})", "coffre check" + inputs.CommandSuffix)];
        return [];
    }

    public static IReadOnlyList<HealthFinding> Drills(HealthInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var runs = Ended(inputs, "drill");
        var fix = "coffre drill" + inputs.CommandSuffix;
        if (Streak(runs, r => r.Result != RunResults.Ok) is { } failing)
            return [HealthFinding.Failing("drill-failed", Describe(failing, "restore drill"), $"{fix} after fixing what the error says; check the repository (coffre check --read-data{inputs.CommandSuffix})")];
        if (!inputs.HasConfiguration) return [];
        var schedule = inputs.Config.Schedule.Drill ?? inputs.Config.Schedule.FullDrill;
        var since = runs.LastOrDefault()?.Start ?? FirstBackup(inputs);
        if (Overdue(inputs, schedule, since, UnscheduledDrillAge) is { } due)
            return [HealthFinding.Attention("drill-overdue",
                runs.Count == 0 ? $"no restore drill has ever run (one was due {When(due)})" : $"the last restore drill is from {When(runs[^1].End)} (the next was due {When(due)})", fix)];
        return [];
    }

    public static IReadOnlyList<HealthFinding> Prune(HealthInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var runs = Ended(inputs, "prune");
        if (runs.Count > 0 && runs[^1].Result != RunResults.Ok)
            return [HealthFinding.Attention("prune-failed", $"the last prune ({When(runs[^1].End)}) failed: {runs[^1].Error ?? runs[^1].Result}", "coffre prune" + inputs.CommandSuffix + " (docs/prune.md)")];
        return [];
    }

    /// <summary>A failed application restore: its error names the safety snapshot that rolls it back.</summary>
    public static IReadOnlyList<HealthFinding> Restore(HealthInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var runs = inputs.History.Where(r => r.Operation == Jobs.Service.ApplicationRestoreJob.Operation && !RunResults.Stopped(r.Result) && inputs.Concerns(r)).ToList();
        if (Streak(runs, r => r.Result != RunResults.Ok) is { } failing)
            return [HealthFinding.Failing("restore-failed", Describe(failing, "restore"), "roll back with the safety snapshot the error names, or restore again (docs/restore.md)")];
        return [];
    }

    public static IReadOnlyList<HealthFinding> Alerts(HealthInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var now = inputs.Clock.GetUtcNow();
        if (inputs.History.LastOrDefault(r => r.Operation == "alert" && inputs.Concerns(r)) is { Result: not RunResults.Ok } alert && now - alert.End < RecentAlertFailure)
            return [HealthFinding.Attention("alert-undeliverable", $"an alert could not be delivered ({When(alert.End)}): {alert.Error}", "fix alerts in the configuration (docs/alerts.md)")];
        return [];
    }

    private static List<RunRecord> Ended(HealthInputs inputs, string operation) =>
        [.. inputs.History.Where(r => r.Operation == operation && !RunResults.Stopped(r.Result) && inputs.Concerns(r))];

    private static DateTimeOffset? FirstBackup(HealthInputs inputs) => Ended(inputs, "backup").FirstOrDefault()?.Start;

    /// <summary>The runs at the end of <paramref name="runs"/> that are <paramref name="bad"/>, oldest first; null when the last one is not.</summary>
    private static List<RunRecord>? Streak(List<RunRecord> runs, Func<RunRecord, bool> bad)
    {
        if (runs.Count == 0 || !bad(runs[^1])) return null;
        var streak = runs.AsEnumerable().Reverse().TakeWhile(bad).Reverse().ToList();
        return streak;
    }

    /// <summary>"the last 3 backups failed (since ...): why".</summary>
    private static string Describe(List<RunRecord> streak, string what)
    {
        var why = streak[^1].Error ?? streak[^1].Result;
        return streak.Count == 1 ? $"the last {what} failed: {why} ({When(streak[0].End)})" : $"the last {streak.Count} {what}s failed (since {When(streak[0].Start)}): {why}";
    }

    /// <summary>
    /// When the next run after <paramref name="since"/> was due, if that moment plus a grace has passed; null when it
    /// has not (or nothing ran yet to measure from). Without a schedule, <paramref name="unscheduled"/> is the allowed age.
    /// The grace is half the schedule's interval, between 30 minutes and 6 hours (a run takes time; the machine may have slept).
    /// </summary>
    internal static DateTimeOffset? Overdue(HealthInputs inputs, string? scheduleText, DateTimeOffset? since, TimeSpan? unscheduled)
    {
        if (since is not { } from) return null;
        var now = inputs.Clock.GetUtcNow();
        if (Schedule.TryParse(scheduleText, out var schedule, out _))
        {
            if (schedule.Next(from, inputs.TimeZone) is not { } due) return null;
            var interval = schedule.Next(due, inputs.TimeZone) is { } after ? after - due : TimeSpan.FromDays(1);
            var grace = TimeSpan.FromTicks(Math.Clamp(interval.Ticks / 2, TimeSpan.FromMinutes(30).Ticks, TimeSpan.FromHours(6).Ticks));
            return now > due + grace ? due : null;
        }
        return unscheduled is { } age && now - from > age ? from + age : null;
    }

    internal static string When(DateTimeOffset t) => t.ToLocalTime().ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
}

using Coffre.Alerts;
using Coffre.Jobs.Service;
using Coffre.Journal;
using Coffre.Metrics;

namespace Coffre.Server;

/// <summary>
/// What is wrong right now, in one line each, at the top of the dashboard: the configuration, the schedule, backups,
/// drills or restores that keep failing (with how many times in a row), low disk space, alerts that could not be delivered.
/// </summary>
internal static class DashboardProblems
{
    private static readonly TimeSpan RecentAlertFailure = TimeSpan.FromDays(1);

    public static IReadOnlyList<string> Find(ServerSetup setup, DashboardData data, string? scheduleProblem)
    {
        var problems = new List<string>();
        problems.AddRange(setup.ConfigProblems.Select(p => $"coffre configuration: {p}"));
        if (scheduleProblem is not null) problems.Add(scheduleProblem);
        if (Failing(data.BackupRuns, "backup") is { } backup) problems.Add(backup);
        if (Failing(data.History.Where(r => r.Operation == RunHistorySummary.DrillOperation), "restore drill") is { } drill) problems.Add(drill);
        // A failed restore's error names the safety snapshot that rolls back; it stays here until a restore ends well.
        if (Failing(data.History.Where(r => r.Operation == ApplicationRestoreJob.Operation), "restore") is { } restore) problems.Add(restore);
        if (data.FreeDisk is not null && DiskProblem(setup) is { } disk) problems.Add(disk);
        var now = setup.Clock.GetUtcNow();
        if (data.History.LastOrDefault(r => r.Operation == "alert") is { Result: RunResults.Failed } alert && now - alert.End < RecentAlertFailure)
            problems.Add($"an alert could not be delivered ({alert.End.ToLocalTime():yyyy-MM-dd HH:mm}): {alert.Error}");
        return problems;
    }

    /// <summary>"The last 3 backups failed (since ...): why", or null when the latest one ended well.</summary>
    private static string? Failing(IEnumerable<RunRecord> runs, string what)
    {
        var ended = runs.Where(r => r.Result != RunResults.Interrupted).ToList();
        if (ended.Count == 0 || ended[^1].Result == RunResults.Ok) return null;
        var streak = ended.AsEnumerable().Reverse().TakeWhile(r => r.Result != RunResults.Ok).ToList();
        var first = streak[^1];
        var head = streak.Count == 1 ? $"the last {what} failed" : $"the last {streak.Count} {what}s failed (since {first.Start.ToLocalTime():yyyy-MM-dd HH:mm})";
        return $"{head}: {ended[^1].Error ?? ended[^1].Result}";
    }

    private static string? DiskProblem(ServerSetup setup)
    {
        var alerts = setup.Config.Alerts;
        try { return DiskSpaceThreshold.Problem(setup.RepositoryPath, alerts.DiskFreeThresholdPercent, alerts.DiskFreeThresholdBytes); }
        catch (IOException) { return null; }
    }
}

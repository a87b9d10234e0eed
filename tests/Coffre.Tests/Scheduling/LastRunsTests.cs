using Coffre.Journal;
using Coffre.Scheduling;

namespace Coffre.Tests.Scheduling;

public class LastRunsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 10, 2, 30, 0, TimeSpan.Zero);

    private static RunRecord Run(string operation, int hoursAfter, string result = RunResults.Ok, string? app = "shop", string? repo = "/srv/backups", string? check = null) => new()
    {
        Operation = operation, Start = T0.AddHours(hoursAfter), End = T0.AddHours(hoursAfter).AddMinutes(1), Result = result,
        Application = app, Repository = repo, Checked = check,
    };

    [Fact]
    public void NoHistoryMeansNeverRan() => Assert.Empty(LastRuns.FromHistory([], "shop", "/srv/backups"));

    [Fact]
    public void TheLatestRunOfEachJobOfThisApplication()
    {
        var last = LastRuns.FromHistory(
        [
            Run("backup", 0),
            Run("backup", 5, RunResults.Failed), // a failed run is a run
            Run("backup", 9, RunResults.Interrupted), // an interrupted one is caught up
            Run("backup", 7, app: "blog"), // another application
            Run("backup", 8, app: null), // a plain file backup
            Run("drill", 2, check: "media m: 1 of 10 files, ok (sample 10%)"),
            Run("drill", 1, check: "media m: 10 of 10 files, ok (full)"),
            Run("check", 20),
            Run("prune", 3, app: null),
        ], "shop", "/srv/backups");
        Assert.Equal(T0.AddHours(5), last[JobKind.Backup]);
        Assert.Equal(T0.AddHours(2), last[JobKind.Drill]);
        Assert.Equal(T0.AddHours(1), last[JobKind.FullDrill]);
        Assert.Equal(T0.AddHours(3), last[JobKind.Prune]);
        Assert.Equal(T0.AddHours(20), last[JobKind.Check]);
    }

    [Fact]
    public void Prune_and_check_count_by_repository_whoever_ran_them()
    {
        var last = LastRuns.FromHistory([Run("check", 4, app: null), Run("prune", 6, app: null), Run("check", 8, app: null, repo: "/srv/other")], "shop", "/srv/backups");
        Assert.Equal((T0.AddHours(4), T0.AddHours(6)), (last[JobKind.Check], last[JobKind.Prune]));
        Assert.False(LastRuns.FromHistory([Run("check", 4, app: null)], "shop", null).ContainsKey(JobKind.Check));
    }

    [Fact]
    public void AFullDrillIsADrillButASampledOneIsNotAFullDrill()
    {
        var last = LastRuns.FromHistory([Run("drill", 4, check: "x (sample 10%)"), Run("drill", 1, check: "x (full)")], "shop", null);
        Assert.Equal(T0.AddHours(4), last[JobKind.Drill]);
        Assert.Equal(T0.AddHours(1), last[JobKind.FullDrill]);
        Assert.Equal(T0.AddHours(6), LastRuns.FromHistory([Run("drill", 6, check: "x (full)")], "shop", null)[JobKind.Drill]);
    }
}

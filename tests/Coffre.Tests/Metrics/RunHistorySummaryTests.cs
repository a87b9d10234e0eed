using Coffre.Journal;
using Coffre.Metrics;

namespace Coffre.Tests.Metrics;

public class RunHistorySummaryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 29, 2, 30, 0, TimeSpan.FromHours(1));

    private static RunRecord Run(string operation, string? application, int minute, string result = RunResults.Ok, long? added = null) => new()
    {
        Operation = operation,
        Start = T0.AddMinutes(minute).AddSeconds(-4),
        End = T0.AddMinutes(minute),
        Application = application,
        Result = result,
        SnapshotId = result is RunResults.Ok or RunResults.Incomplete && operation == "backup" ? "ab" + minute : null,
        BytesAdded = added,
        ExitCode = result == RunResults.Ok ? 0 : 1,
    };

    [Fact]
    public void Backups_are_counted_by_result_per_application_and_the_last_ones_remembered()
    {
        var summary = RunHistorySummary.Summarize(
        [
            Run("backup", "shop", 0, added: 100),
            Run("backup", "shop", 10, RunResults.Incomplete, added: 40),
            Run("check", "shop", 11),
            Run("restore", "shop", 12),
            Run("backup", "shop", 20, RunResults.Failed),
            Run("drill", "shop", 21, RunResults.Failed),
            Run("backup", "blog", 30),
            Run("drill", "shop", 25),
        ], []);

        Assert.Equal(["blog", "shop"], summary.Select(a => a.Application));
        var shop = summary[1];
        Assert.Equal(1, shop.BackupsByResult[RunResults.Ok]);
        Assert.Equal(1, shop.BackupsByResult[RunResults.Incomplete]);
        Assert.Equal(1, shop.BackupsByResult[RunResults.Failed]);
        Assert.Equal(0, shop.BackupsByResult[RunResults.WrongPassword]);
        Assert.Equal(0, shop.BackupsByResult[RunResults.Interrupted]);
        Assert.Equal(T0.AddMinutes(20), shop.LastBackup!.End);
        Assert.Equal(T0, shop.LastSuccessfulBackup!.End);
        Assert.Equal(40, shop.LastWrittenBackup!.BytesAdded); // the incomplete backup wrote a snapshot; the failed one did not
        Assert.Equal((T0.AddMinutes(25), RunResults.Ok), (shop.LastDrill!.End, shop.LastDrill.Result));
        Assert.Null(summary[0].LastDrill);
    }

    [Fact]
    public void The_last_run_is_the_one_that_ended_last_even_when_recorded_earlier()
    {
        // Two processes: the long backup started first, ended last, but another finished and was recorded before it.
        var summary = RunHistorySummary.Summarize([Run("backup", "shop", 50, RunResults.Failed), Run("backup", "shop", 40)], []);

        Assert.Equal(RunResults.Failed, summary.Single().LastBackup!.Result);
    }

    [Fact]
    public void Plain_file_backups_count_under_the_empty_application_and_a_configured_one_is_there_before_its_first_run()
    {
        var summary = RunHistorySummary.Summarize([Run("backup", null, 1)], ["shop"]);

        Assert.Equal(["", "shop"], summary.Select(a => a.Application));
        Assert.Equal(1, summary[0].BackupsByResult[RunResults.Ok]);
        Assert.Null(summary[1].LastBackup);
        Assert.All(summary[1].BackupsByResult.Values, v => Assert.Equal(0, v));
        Assert.Equal(ApplicationRuns.Results.Count, summary[1].BackupsByResult.Count);
    }
}

using Coffre.IntegrationTests.Infrastructure;
using static Coffre.IntegrationTests.Journal.JournalFiles;

namespace Coffre.IntegrationTests.Journal;

[Collection(SerialCollection.Name)]
public class JournalInterruptTests
{
    [Fact]
    public void An_interrupted_backup_is_journaled_as_interrupted()
    {
        using var dir = new TestDirectory("journal-interrupt");
        var run = Scenarios.InterruptBackup(dir, Scenarios.SigTerm);

        Assert.True(run.RunningWhenSignalled, $"the backup finished before it could be interrupted\n{run.Result.Describe()}");
        Assert.Equal(130, run.Result.ExitCode);
        var logs = new JournalFiles(dir.Sub("logs"));
        Assert.Equal(["init ok", "backup ok", "backup interrupted"], logs.Summary);
        var record = logs.Records.Last();
        Assert.Equal((130L, null), (Long(record, "exit_code"), Str(record, "snapshot_id")));
        Assert.StartsWith("interrupted", Str(record, "error"), StringComparison.Ordinal);
    }
}

using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.BadInput;

/// <summary>
/// Ctrl-C (SIGINT) or SIGTERM in the middle of a large backup: exit 130, no half-written object, no new
/// snapshot, no lock left, and restic still accepts the repository.
/// </summary>
[Collection(SerialCollection.Name)]
public class InterruptTests
{
    [Theory]
    [InlineData(Scenarios.SigInt, 400)]
    [InlineData(Scenarios.SigTerm, 400)]
    public void Interrupted_backup_leaves_the_repository_clean(int signal, int delayMs)
    {
        using var dir = new TestDirectory("interrupt");
        var run = Scenarios.InterruptBackup(dir, signal, delayMs);

        Assert.True(run.RunningWhenSignalled, $"the backup finished before it could be interrupted\n{run.Result.Describe()}");
        Errors.AssertOneLine(run.Result, 130, "interrupted");
        RepoInspector.AssertNoPartialObjects(run.Repository);
        Assert.Equal(run.SnapshotsBefore, RepoInspector.Snapshots(run.Repository));
        Assert.Empty(RepoInspector.Locks(run.Repository));
        Verify.RepositoryIntact(run.Repository);
    }

    /// <summary>
    /// SIGINT as soon as the backup's lock file appears, while coffre waits to confirm that no one else locked
    /// the repository at the same moment: the lock it wrote must still be removed.
    /// </summary>
    [Fact]
    public void Interrupt_while_taking_the_lock_leaves_no_lock()
    {
        using var dir = new TestDirectory("interrupt-lock");
        var run = Scenarios.InterruptBackup(dir, Scenarios.SigInt, delayMs: 0);

        Assert.True(run.RunningWhenSignalled, $"the backup finished before it could be interrupted\n{run.Result.Describe()}");
        Errors.AssertOneLine(run.Result, 130, "interrupted");
        Assert.Equal(run.SnapshotsBefore, RepoInspector.Snapshots(run.Repository));
        Assert.Empty(RepoInspector.Locks(run.Repository));
    }
}

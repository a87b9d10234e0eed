using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.BadInput;

/// <summary>restic-compatible locks: another host's exclusive lock stops coffre with exit 11 until it is removed.</summary>
public class LockConflictTests
{
    [Fact]
    public async Task Exclusive_lock_of_another_host_blocks_until_unlock_remove_all()
    {
        using var dir = new TestDirectory("lock");
        var small = Scenarios.SmallRepository(dir);
        await Scenarios.WriteLockAsync(small.Repository, exclusive: true, hostname: "otherhost", pid: 1);

        Errors.AssertOneLine(small.Coffre.Run("backup", small.Tree.RootText), 11, "lock");
        Errors.AssertOneLine(small.Coffre.Run("restore", "latest", "--target", dir.Sub("restore-blocked")), 11, "lock");
        Errors.AssertOneLine(small.Coffre.Run("check"), 11, "lock");
        Assert.Single(RepoInspector.Snapshots(small.Repository));
        Assert.Single(RepoInspector.Locks(small.Repository)); // the refused commands left no lock of their own

        small.Coffre.Ok("unlock"); // only stale locks: another host's fresh lock stays
        Assert.Single(RepoInspector.Locks(small.Repository));
        Errors.AssertOneLine(small.Coffre.Run("backup", small.Tree.RootText), 11);

        small.Coffre.Ok("unlock", "--remove-all");
        Assert.Empty(RepoInspector.Locks(small.Repository));
        small.Coffre.Backup(small.Tree.RootText);
        Assert.Equal(2, RepoInspector.Snapshots(small.Repository).Count);
        Verify.RepositoryIntact(small.Repository);
    }

    [Fact]
    public async Task Non_exclusive_lock_of_another_host_does_not_block_a_backup()
    {
        using var dir = new TestDirectory("shared-lock");
        var small = Scenarios.SmallRepository(dir);
        await Scenarios.WriteLockAsync(small.Repository, exclusive: false, hostname: "otherhost", pid: 1);

        small.Coffre.Backup(small.Tree.RootText);

        Assert.Single(RepoInspector.Locks(small.Repository)); // ours is gone, theirs stays
        small.Coffre.Ok("unlock", "--remove-all");
        Restic.AssertCheckReadData(small.Repository);
    }

    [Fact]
    public async Task Lock_of_a_dead_process_on_this_host_is_stale()
    {
        using var dir = new TestDirectory("stale-lock");
        var small = Scenarios.SmallRepository(dir);
        var exited = ProcessRunner.Start("/bin/true", [], new Dictionary<string, string?>());
        var deadPid = exited.Id;
        exited.Wait(TimeSpan.FromMinutes(1));
        exited.Dispose();
        Assert.False(Posix.IsProcessAlive(deadPid));
        await Scenarios.WriteLockAsync(small.Repository, exclusive: true, hostname: Posix.GetHostName(), pid: deadPid);

        small.Coffre.Backup(small.Tree.RootText);
        small.Coffre.Ok("unlock");

        Assert.Empty(RepoInspector.Locks(small.Repository));
        Restic.AssertCheckReadData(small.Repository);
    }
}

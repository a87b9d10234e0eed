using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Copy;

/// <summary>
/// Copies between the two tools, both ways: restic 0.14's `copy` takes Coffre's snapshots, Coffre's `copy` takes
/// restic's; each side recognises what the other copied (the `original` both write), and restic checks the result.
/// </summary>
public class CopyWithResticTests
{
    [Fact]
    public void Restic_copies_from_a_coffre_repository_and_coffre_then_finds_nothing_left_to_copy()
    {
        using var dir = new TestDirectory("copy-restic-from");
        var tree = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("data")), 7, 3 << 20, 100_000, 0, 12);
        var repos = new CopyRepositories(dir);
        repos.Source.Init();
        var snapshot = repos.Source.Backup(tree.RootText).SnapshotId;

        var restic = new ResticRunner(repos.DestinationPath, CopyRepositories.DestinationPassword);
        restic.Environment["RESTIC_FROM_PASSWORD"] = TestPasswords.Default;
        restic.Ok("init", "--copy-chunker-params", "--from-repo", repos.SourcePath);
        restic.Ok("copy", "--from-repo", repos.SourcePath);
        restic.AssertCheckReadData();
        var copied = Assert.Single(restic.Snapshots());
        Assert.Equal(snapshot, copied.GetProperty("original").GetString());

        var again = repos.Copy();
        Assert.Empty(again.GetProperty("copied").EnumerateArray());
        Assert.Equal([snapshot], CopyRepositories.Ids(again, "already_there", "source"));

        var target = dir.Sub("restored");
        repos.Destination.Restore(copied.GetProperty("id").GetString()!, target);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(target, tree.Root));
    }

    [Fact]
    public void Coffre_copies_from_a_restic_repository_and_restic_then_finds_nothing_left_to_copy()
    {
        using var dir = new TestDirectory("copy-restic-to");
        var tree = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("data")), 8, 3 << 20, 100_000, 0, 12);
        var repos = new CopyRepositories(dir);
        repos.ResticSource.Ok("init");
        repos.ResticSource.Backup(tree.RootText);
        var snapshot = Assert.Single(repos.ResticSource.Snapshots()).GetProperty("id").GetString()!; // the summary's ID is the short one
        repos.InitDestinationLikeSource();

        var report = repos.Copy();

        Assert.Equal([snapshot], CopyRepositories.Ids(report, "copied", "source"));
        repos.ResticDestination.AssertCheckReadData();
        var copied = Assert.Single(repos.ResticDestination.Snapshots());
        Assert.Equal(snapshot, copied.GetProperty("original").GetString());
        var target = dir.Sub("restored");
        repos.ResticDestination.Ok("restore", copied.GetProperty("id").GetString()!, "--target", target);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(target, tree.Root));

        // restic 0.14 recognises Coffre's copy as "similar": it copies nothing more.
        var restic = new ResticRunner(repos.DestinationPath, CopyRepositories.DestinationPassword);
        restic.Environment["RESTIC_FROM_PASSWORD"] = TestPasswords.Default;
        var resticAgain = restic.Ok("copy", "--from-repo", repos.SourcePath);
        Assert.Contains("was already copied to snapshot", resticAgain.StdOut + resticAgain.StdErr, StringComparison.Ordinal);
        Assert.Single(repos.ResticDestination.Snapshots());
    }
}

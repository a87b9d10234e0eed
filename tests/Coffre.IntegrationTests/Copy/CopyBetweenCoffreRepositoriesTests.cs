using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Copy;

/// <summary>
/// `coffre copy` between two Coffre repositories (restic 0.14's copy): the copy passes `restic check --read-data`,
/// restores identical to what was backed up, records `original`, and a second copy moves nothing.
/// </summary>
public class CopyBetweenCoffreRepositoriesTests
{
    [Fact]
    public void A_copy_passes_restic_check_restores_identically_and_a_second_copy_moves_nothing()
    {
        using var dir = new TestDirectory("copy-coffre");
        var tree = TreeGenerator.CreateAwkward(UnixPath.FromString(dir.Sub("data")), new TreeOptions { NonUtf8SymlinkTarget = false, BigFileSize = 6 << 20 });
        var repos = new CopyRepositories(dir);
        repos.Source.Init();
        var first = repos.Source.Backup(tree.RootText, "--tag", "one", "--host", "copy-host").SnapshotId;
        File.WriteAllText(dir.Sub("data/added later.txt"), "a file only the second snapshot has");
        var second = repos.Source.Backup(tree.RootText, "--tag", "two", "--host", "copy-host").SnapshotId;
        repos.InitDestinationLikeSource();

        var report = repos.Copy();

        Assert.Equal([first, second], CopyRepositories.Ids(report, "copied", "source"));
        Assert.Empty(report.GetProperty("refused").EnumerateArray());
        Assert.True(report.GetProperty("blobs_copied").GetInt64() > 0);
        repos.ResticDestination.AssertCheckReadData();
        var copies = repos.ResticDestination.Snapshots();
        Assert.Equal(2, copies.Count);
        Assert.Equal(new[] { first, second }.Order(), copies.Select(s => s.GetProperty("original").GetString()).Order());
        Assert.All(copies, s => Assert.False(s.TryGetProperty("parent", out _)));
        var copyOfSecond = copies.Single(s => s.GetProperty("original").GetString() == second).GetProperty("id").GetString()!;
        var target = dir.Sub("restored");
        repos.ResticDestination.Ok("restore", copyOfSecond, "--target", target);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(target, tree.Root));
        Assert.Equal("a file only the second snapshot has", File.ReadAllText(UnixPath.ToDisplay(Restored.PathOf(target, dir.Sub("data/added later.txt")))));

        var sizeBefore = CopyRepositories.Size(repos.DestinationPath);
        var again = repos.Copy();
        Assert.Empty(again.GetProperty("copied").EnumerateArray());
        Assert.Equal([first, second], CopyRepositories.Ids(again, "already_there", "source"));
        Assert.Equal(0, again.GetProperty("blobs_copied").GetInt64());
        Assert.Equal(sizeBefore, CopyRepositories.Size(repos.DestinationPath));
        Assert.Equal(2, repos.ResticDestination.Snapshots().Count);
    }

    [Fact]
    public void Filters_and_snapshot_ids_choose_what_is_copied()
    {
        using var dir = new TestDirectory("copy-filter");
        Directory.CreateDirectory(dir.Sub("a"));
        File.WriteAllText(dir.Sub("a/f"), "a");
        Directory.CreateDirectory(dir.Sub("b"));
        File.WriteAllText(dir.Sub("b/f"), "b");
        var repos = new CopyRepositories(dir);
        repos.Source.Init();
        var a = repos.Source.Backup(dir.Sub("a"), "--tag", "x", "--tag", "y", "--host", "h1").SnapshotId;
        var b = repos.Source.Backup(dir.Sub("b"), "--tag", "x", "--host", "h2").SnapshotId;
        repos.InitDestinationLikeSource();

        Assert.Equal([a], CopyRepositories.Ids(repos.Copy("--tag", "x,y"), "copied", "source"));
        Assert.Empty(repos.Copy("--host", "h1").GetProperty("copied").EnumerateArray());
        Assert.Empty(repos.Copy("--path", dir.Sub("nowhere")).GetProperty("copied").EnumerateArray());
        Assert.Equal([b], CopyRepositories.Ids(repos.Copy(b[..8]), "copied", "source"));
        Assert.Equal(2, repos.ResticDestination.Snapshots().Count);
    }

    [Fact]
    public void A_wrong_source_password_or_a_missing_source_fails_with_the_documented_codes()
    {
        using var dir = new TestDirectory("copy-bad");
        var repos = new CopyRepositories(dir);
        repos.Source.Init();
        repos.InitDestinationLikeSource();

        repos.Destination.Environment["COFFRE_FROM_PASSWORD"] = "not the password";
        var wrong = repos.Destination.Run("copy", "--from-repo", repos.SourcePath);
        Assert.Equal(12, wrong.ExitCode);

        var missing = repos.Destination.Run("copy", "--from-repo", dir.Sub("nothing here"));
        Assert.Equal(10, missing.ExitCode);
        Assert.Contains("no source repository", missing.StdErr, StringComparison.Ordinal);
    }
}

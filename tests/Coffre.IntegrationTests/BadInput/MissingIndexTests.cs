using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.BadInput;

/// <summary>An index file deleted: check reports the blobs it described as missing; nothing crashes; other snapshots still restore.</summary>
public class MissingIndexTests
{
    [Fact]
    public void Missing_index_is_reported_and_nothing_crashes()
    {
        using var dir = new TestDirectory("missing-index");
        var first = Scenarios.SmallRepository(dir);
        var indexesBefore = RepoInspector.Indexes(first.Repository);
        var second = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("second")), seed: 31, 2_500_000);
        var secondSnapshot = first.Coffre.Backup(second.RootText).SnapshotId;
        var added = RepoInspector.Indexes(first.Repository).Except(indexesBefore).ToList();
        Assert.NotEmpty(added);
        foreach (var index in added) File.Delete(Path.Combine(first.Repository, "index", index));

        var check = first.Coffre.Run("check");
        Assert.True(check.ExitCode == 1, $"check must fail when blobs are missing from the index\n{check.Describe()}");
        Errors.AssertNoCrash(check);
        Assert.Contains("not in the index", check.StdOut + check.StdErr);
        Assert.Contains(secondSnapshot[..8], check.StdOut + check.StdErr);

        var snapshots = first.Coffre.Run("snapshots");
        Assert.True(snapshots.ExitCode == 0, snapshots.Describe());

        Errors.AssertOneLine(first.Coffre.Run("restore", secondSnapshot, "--target", dir.Sub("restore-second")), 1);
        Errors.AssertOneLine(first.Coffre.Run("ls", secondSnapshot), 1);
        first.AssertFirstSnapshotRestores(dir);
        Assert.Empty(RepoInspector.Locks(first.Repository));
    }
}

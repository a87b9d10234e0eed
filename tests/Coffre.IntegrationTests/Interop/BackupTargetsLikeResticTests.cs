using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using static Coffre.IntegrationTests.Infrastructure.RawFiles;

namespace Coffre.IntegrationTests.Interop;

/// <summary>
/// The backup arguments shape the snapshot as restic shapes it: relative targets keep their own elements in the
/// tree (<c>backup src</c> gives a root with <c>src</c>), files and several targets share one root, and the
/// snapshot records the absolute paths. Same arguments, same working directory: same root tree ID as restic.
/// </summary>
public class BackupTargetsLikeResticTests
{
    [Theory]
    [InlineData("src")]
    [InlineData("src/sub/file.txt")]
    [InlineData("src/sub", "other")]
    [InlineData("other/single.txt", "src")]
    [InlineData("./src/../src/sub/")]
    public void Same_arguments_give_the_same_root_tree_and_paths_as_restic(params string[] targets)
    {
        using var dir = new TestDirectory("targets");
        var work = UnixPath.FromString(dir.Sub("work"));
        Dir(UnixPath.Join(work, B("src/sub")));
        Dir(UnixPath.Join(work, B("other")));
        Write(UnixPath.Join(work, B("src/top.txt")), "top\n");
        Write(UnixPath.Join(work, B("src/sub/file.txt")), "nested\n");
        Write(UnixPath.Join(work, B("other/single.txt")), "single\n");
        var repo = dir.Sub("repo");
        var workText = UnixPath.ToDisplay(work);
        var coffre = new CoffreRunner(repo) { WorkingDirectory = workText };
        var restic = new ResticRunner(repo) { WorkingDirectory = workText };
        coffre.Init();

        var ours = coffre.Backup(targets).SnapshotId;
        restic.Backup(targets);

        var snapshots = restic.Snapshots();
        var mine = snapshots.Single(s => s.GetProperty("id").GetString() == ours);
        var theirs = snapshots.Single(s => s.GetProperty("id").GetString() != ours);
        Assert.Equal(Paths(theirs), Paths(mine));
        Assert.True(theirs.GetProperty("tree").GetString() == mine.GetProperty("tree").GetString(),
            $"root trees differ for 'backup {string.Join(' ', targets)}'\ncoffre: {Listing(restic, ours)}\nrestic: {Listing(restic, theirs.GetProperty("id").GetString()!)}");
        Restic.AssertCheckReadData(repo);
    }

    private static string[] Paths(JsonElement snapshot) => [.. snapshot.GetProperty("paths").EnumerateArray().Select(p => p.GetString()!)];

    private static string Listing(ResticRunner restic, string snapshot) =>
        string.Join(" ", restic.Ok("ls", snapshot).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
}

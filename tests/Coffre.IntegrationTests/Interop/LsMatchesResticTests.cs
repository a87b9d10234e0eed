using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using static Coffre.IntegrationTests.Infrastructure.RawFiles;

namespace Coffre.IntegrationTests.Interop;

/// <summary><c>coffre ls</c> lists a snapshot as <c>restic ls</c> does: every path, depth first, in name order.</summary>
public class LsMatchesResticTests
{
    [Fact]
    public void Ls_prints_the_same_paths_in_the_same_order_as_restic()
    {
        using var dir = new TestDirectory("ls");
        var src = UnixPath.FromString(dir.Sub("src"));
        foreach (var d in new[] { "a/deep/er", "b", "c d", "é" }) Dir(UnixPath.Join(src, B(d)));
        foreach (var f in new[] { "a/1.txt", "a/deep/2.txt", "a/deep/er/3.txt", "b/4.txt", "c d/5 6.txt", "é/7.txt", "z.txt" })
            Write(UnixPath.Join(src, B(f)), f);
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var snapshot = coffre.Backup(UnixPath.ToDisplay(src)).SnapshotId;

        var ours = coffre.Ok("ls", snapshot).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var theirs = new ResticRunner(repo).Ok("ls", snapshot).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1); // restic starts with a "snapshot ... of ..." line

        // Shown relative to the source folder, one path a line, so a difference is easy to read.
        string Show(IEnumerable<string> lines) => string.Join("\n", lines.Select(l => l.Replace(UnixPath.ToDisplay(src), "<src>", StringComparison.Ordinal)));
        Restic.AssertCheckReadData(repo);
        Assert.Equal(Show(theirs), Show(ours));
    }
}

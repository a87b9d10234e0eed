using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using static Coffre.IntegrationTests.Infrastructure.RawFiles;

namespace Coffre.IntegrationTests.Interop;

/// <summary>
/// <c>--exclude</c> leaves out what restic's <c>--exclude</c> leaves out: the same pattern on the same tree
/// gives the same snapshot tree (compared by root tree ID, and by listing when they differ).
/// </summary>
public class ExcludeLikeResticTests
{
    [Theory]
    [InlineData("*.tmp")]
    [InlineData("sub")]
    [InlineData("src/sub")]
    [InlineData("{abs}/src/sub")]
    [InlineData("**/deep")]
    [InlineData("src/**/leaf.txt")]
    [InlineData("ca?he")]
    [InlineData("*.[tl]og")]
    public void Exclude_leaves_out_what_restic_leaves_out(string pattern)
    {
        using var dir = new TestDirectory("exclude");
        var work = UnixPath.FromString(dir.Sub("work"));
        foreach (var d in new[] { "src/sub", "src/deep", "src/x/deep", "src/cache", "src/cahe", "src/d/e" }) Dir(UnixPath.Join(work, B(d)));
        foreach (var f in new[] { "src/a.tmp", "src/keep.txt", "src/leaf.txt", "src/sub/x.txt", "src/sub/b.tmp", "src/deep/y", "src/x/deep/z",
                     "src/cache/c", "src/cahe/c", "src/notes.log", "src/notes.tog", "src/notes.dog", "src/d/leaf.txt", "src/d/e/leaf.txt" })
            Write(UnixPath.Join(work, B(f)), f);
        var workText = UnixPath.ToDisplay(work);
        pattern = pattern.Replace("{abs}", workText, StringComparison.Ordinal);
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo) { WorkingDirectory = workText };
        var restic = new ResticRunner(repo) { WorkingDirectory = workText };
        coffre.Init();

        var ours = coffre.Backup("src", "--exclude", pattern).SnapshotId;
        restic.Backup("src", "--exclude", pattern);

        var theirs = restic.Snapshots().Single(s => s.GetProperty("id").GetString() != ours).GetProperty("id").GetString()!;
        restic.AssertCheckReadData();
        var ourListing = Listing(restic, ours);
        var theirListing = Listing(restic, theirs);
        Assert.True(ourListing == theirListing, $"--exclude '{pattern}':\ncoffre keeps: {ourListing}\nrestic keeps: {theirListing}");
    }

    private static string Listing(ResticRunner restic, string snapshot) =>
        string.Join(" ", restic.Ok("ls", snapshot).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
}

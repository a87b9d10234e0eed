using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.BadInput;

/// <summary>
/// Source files the backing-up user cannot read (run as nobody when the tests run as root): exit 3, each one
/// named on stderr, and the snapshot is still written with everything else.
/// </summary>
public class UnreadableSourceTests
{
    [Fact]
    public void Unreadable_file_and_folder_are_named_and_the_rest_is_saved()
    {
        using var dir = new TestDirectory("unreadable");
        var run = Scenarios.BackUpUnreadableSource(dir);
        var r = run.Result;

        Assert.True(r.ExitCode == 3, $"expected exit code 3\n{r.Describe()}");
        Errors.AssertNoCrash(r);
        Assert.All(r.StdErrLines, l => Assert.StartsWith("coffre: ", l));
        Assert.Contains(r.StdErrLines, l => l.Contains(run.UnreadableFile, StringComparison.Ordinal));
        Assert.Contains(r.StdErrLines, l => l.Contains(run.UnreadableFolder, StringComparison.Ordinal));
        using var summary = JsonDocument.Parse(r.StdOut);
        var snapshotId = summary.RootElement.GetProperty("snapshot_id").GetString()!;
        Assert.Equal(2, summary.RootElement.GetProperty("errors").GetInt64());

        var snapshot = Assert.Single(run.Coffre.Snapshots());
        Assert.Equal(snapshotId, snapshot.GetProperty("id").GetString());
        var listed = run.Coffre.Ok("ls", "latest").StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var src = UnixPath.ToDisplay(run.Source);
        Assert.Contains(src + "/readable.txt", listed);
        Assert.Contains(src + "/sub/data.bin", listed);
        Assert.DoesNotContain(src + "/secret.txt", listed);
        Assert.DoesNotContain(src + "/locked-dir/hidden.txt", listed);

        var target = dir.Sub("restore");
        new CoffreRunner(run.Repository).Restore("latest", target);
        Assert.Equal(RawFiles.Read(UnixPath.Join(run.Source, RawFiles.B("readable.txt"))), RawFiles.Read(Restored.PathOf(target, UnixPath.Join(run.Source, RawFiles.B("readable.txt")))));
        Assert.Equal(RawFiles.Sha256(UnixPath.Join(run.Source, RawFiles.B("sub/data.bin"))), RawFiles.Sha256(Restored.PathOf(target, UnixPath.Join(run.Source, RawFiles.B("sub/data.bin")))));
        Restic.AssertCheckReadData(run.Repository);
    }
}

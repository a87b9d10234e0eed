using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Interop;

/// <summary>The shared restic 0.14 fixture (format doc §15) opens with coffre: list, ls, restore, check.</summary>
public class ResticFixtureRepositoryTests : IDisposable
{
    private static readonly string Fixture = SharedFiles.Path("fixtures/restic-0.14-vectors/repo.tar.gz");
    private static readonly UnixTime FixtureTime = new(1_704_164_645, 123_456_789); // 2024-01-02T03:04:05.123456789Z

    private readonly TestDirectory _dir = new("fixture");
    private readonly string _repo;
    private readonly CoffreRunner _coffre;

    public ResticFixtureRepositoryTests()
    {
        var tar = ProcessRunner.Run("tar", ["-xzf", Fixture, "-C", _dir.Path], new Dictionary<string, string?>());
        Assert.True(tar.ExitCode == 0, tar.Describe());
        _repo = _dir.Sub("repo");
        _coffre = new CoffreRunner(_repo, "test");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Snapshots_lists_the_three_snapshots()
    {
        var ids = _coffre.Snapshots().Select(s => s.GetProperty("short_id").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["0db291b8", "88bc78a2", "eeb1f93f"], ids);
        var text = _coffre.Ok("snapshots").StdOut;
        Assert.Contains("testhost", text);
        Assert.Contains("/chunk/det.bin", text);
    }

    [Fact]
    public void Ls_shows_the_files_of_the_first_snapshot()
    {
        var lines = _coffre.Ok("ls", "0db291b8").StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["/src", "/src/empty", "/src/hello.txt", "/src/link", "/src/sub", "/src/sub/b.txt"], lines);
    }

    [Fact]
    public void Restore_gives_the_original_bytes_and_metadata()
    {
        var target = _dir.Sub("restore");
        _coffre.Restore("0db291b8", target);
        byte[] P(string rel) => Restored.PathOf(target, "/" + rel);

        Assert.Equal("hello restic\n", Encoding.UTF8.GetString(RawFiles.Read(P("src/hello.txt"))));
        Assert.Equal("second file, a bit longer: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 \n", Encoding.UTF8.GetString(RawFiles.Read(P("src/sub/b.txt"))));
        Assert.Empty(RawFiles.Read(P("src/empty")));
        Assert.Equal("hello.txt", Encoding.UTF8.GetString(Posix.ReadLink(P("src/link"))));
        foreach (var rel in new[] { "src", "src/hello.txt", "src/empty", "src/link", "src/sub", "src/sub/b.txt" })
            Assert.True(Posix.LStat(P(rel)).ModifyTime == FixtureTime, $"{rel}: mtime {Posix.LStat(P(rel)).ModifyTime}");
        Assert.Equal(0x1A4u, Posix.LStat(P("src/hello.txt")).Permissions);
        Assert.Equal(0x1EDu, Posix.LStat(P("src/sub")).Permissions);

        var chunk = _dir.Sub("restore-chunk");
        _coffre.Restore("88bc78a2", chunk);
        Assert.Equal("ae4240603275e0d3ad01491ff959150419e617cb78eacd6866ba46cdaccd9f37", RawFiles.Sha256(Restored.PathOf(chunk, "/chunk/det.bin")));

        var stream = _dir.Sub("restore-stream");
        _coffre.Restore("eeb1f93f", stream);
        Assert.Equal("stdin stream data\n", Encoding.UTF8.GetString(RawFiles.Read(Restored.PathOf(stream, "/stream.txt"))));
    }

    [Fact]
    public void Check_read_data_passes()
    {
        var r = _coffre.Run("check", "--read-data");
        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Contains("no errors", r.StdOut);
        Assert.Empty(RepoInspector.Locks(_repo));
        Restic.AssertCheckReadData(_repo, "test");
    }
}

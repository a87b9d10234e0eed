using System.Runtime.Versioning;
using System.Text;
using Coffre.Model;
using Coffre.Model.Json;

namespace Coffre.Tests.Model;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class SnapshotJsonTests
{
    // §15.6: plaintext of snapshot eeb1f93f (stdin backup).
    private const string StdinSnapshot =
        """{"time":"2026-11-21T10:42:42.505011896Z","tree":"f5dc98b6f854f0c6ff39232ae877fc1d4cde81f9c5939eefed969372ed865755","paths":["/stream.txt"],"hostname":"testhost","username":"root"}""";

    // Fixture snapshot 0db291b8 (with a tag), decrypted from the shared tarball.
    private const string TaggedSnapshot =
        """{"time":"2026-11-21T10:42:41.74719443Z","tree":"5e88b88e4d3859d07c25562bd15b1fd6a844571eae16a02e47264c6aabea7c7c","paths":["/src"],"hostname":"testhost","username":"root","tags":["t1"]}""";

    // §9 observed (the doc abbreviates the tree ID; a full-length ID with the same ends is used here).
    private const string Section9Snapshot =
        """{"time":"2026-11-21T10:17:59.831459968Z","tree":"34670000000000000000000000000000000000000000000000000000000000005fd8","paths":["/stream.txt"],"hostname":"testhost","username":"root"}""";

    [Theory]
    [InlineData(StdinSnapshot)]
    [InlineData(TaggedSnapshot)]
    public void FixtureSnapshotsRoundTrip(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.Equal(json, Encoding.UTF8.GetString(SnapshotJson.Serialize(SnapshotJson.Parse(bytes))));
    }

    [Fact]
    public void StdinSnapshotFields()
    {
        var s = SnapshotJson.Parse(Encoding.UTF8.GetBytes(StdinSnapshot));
        Assert.Equal("2026-11-21T10:42:42.505011896Z", s.Time.ToRfc3339Nano());
        Assert.Equal(BlobId.Parse("f5dc98b6f854f0c6ff39232ae877fc1d4cde81f9c5939eefed969372ed865755"), s.Tree);
        Assert.Equal(["/stream.txt"], s.Paths);
        Assert.Equal("testhost", s.Hostname);
        Assert.Equal("root", s.Username);
        Assert.Null(s.Parent);
        Assert.Null(s.Tags);
        Assert.Null(s.Summary);
        Assert.Equal(0u, s.Uid);
    }

    [Fact]
    public void Section9SnapshotBuiltFromScratch()
    {
        var s = new Snapshot
        {
            Time = GoTime.Parse("2026-11-21T10:17:59.831459968Z"),
            Tree = BlobId.Parse("34670000000000000000000000000000000000000000000000000000000000005fd8"[..64]),
            Paths = ["/stream.txt"],
            Hostname = "testhost",
            Username = "root",
        };
        var expected = Section9Snapshot.Replace("34670000000000000000000000000000000000000000000000000000000000005fd8",
            "34670000000000000000000000000000000000000000000000000000000000005fd8"[..64], StringComparison.Ordinal);
        Assert.Equal(expected, Encoding.UTF8.GetString(SnapshotJson.Serialize(s)));
    }

    [Fact]
    public void AllFieldsInGoOrder()
    {
        var t0 = GoTime.Parse("2025-01-01T10:00:00+01:00");
        var s = new Snapshot
        {
            Time = GoTime.Parse("2025-01-01T10:00:05.25+01:00"),
            Parent = BlobId.Parse(new string('1', 64)),
            Tree = BlobId.Parse(new string('2', 64)),
            Paths = ["/home/u", "/etc"],
            Hostname = "host",
            Username = "user",
            Uid = 1000,
            Gid = 100,
            Excludes = ["*.tmp"],
            Tags = ["a", "b&c"],
            Original = BlobId.Parse(new string('3', 64)),
            ProgramVersion = "coffre 0.1.0",
            Summary = new SnapshotSummary
            {
                BackupStart = t0,
                BackupEnd = GoTime.Parse("2025-01-01T10:00:05.25+01:00"),
                FilesNew = 1, FilesChanged = 2, FilesUnmodified = 3, DirsNew = 4, DirsChanged = 5, DirsUnmodified = 6,
                DataBlobs = 7, TreeBlobs = 8, DataAdded = 9, DataAddedPacked = 10, TotalFilesProcessed = 11, TotalBytesProcessed = 12,
            },
        };
        const string Expected =
            """{"time":"2025-01-01T10:00:05.25+01:00","parent":"1111111111111111111111111111111111111111111111111111111111111111","tree":"2222222222222222222222222222222222222222222222222222222222222222","paths":["/home/u","/etc"],"hostname":"host","username":"user","uid":1000,"gid":100,"excludes":["*.tmp"],"tags":["a","b\u0026c"],"original":"3333333333333333333333333333333333333333333333333333333333333333","program_version":"coffre 0.1.0","summary":{"backup_start":"2025-01-01T10:00:00+01:00","backup_end":"2025-01-01T10:00:05.25+01:00","files_new":1,"files_changed":2,"files_unmodified":3,"dirs_new":4,"dirs_changed":5,"dirs_unmodified":6,"data_blobs":7,"tree_blobs":8,"data_added":9,"data_added_packed":10,"total_files_processed":11,"total_bytes_processed":12}}""";
        var json = Encoding.UTF8.GetString(SnapshotJson.Serialize(s));
        Assert.Equal(Expected, json);
        var back = SnapshotJson.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal(Expected, Encoding.UTF8.GetString(SnapshotJson.Serialize(back)));
        Assert.Equal(["a", "b&c"], back.Tags!);
        Assert.Equal(12ul, back.Summary!.TotalBytesProcessed);
        Assert.Equal(t0, back.Summary.BackupStart);
    }

    [Fact]
    public void EmptyCollectionsAreOmittedExceptPaths()
    {
        var s = new Snapshot { Time = GoTime.Zero, Tree = BlobId.Parse(new string('f', 64)), Tags = [], Excludes = [] };
        Assert.Equal("{\"time\":\"0001-01-01T00:00:00Z\",\"tree\":\"" + new string('f', 64) + "\",\"paths\":[]}",
            Encoding.UTF8.GetString(SnapshotJson.Serialize(s)));
    }

    [Fact]
    public void ParseIsTolerant()
    {
        var json = "{ \"Time\" : \"2026-11-21T10:42:42Z\", \"x\": {\"y\": [1]}, \"TREE\": \"" + new string('A', 64) +
                   "\", \"paths\": null, \"tags\": [\"t\"], \"summary\": {\"files_new\": 5, \"zzz\": 1}, \"program_version\": \"restic 0.18.0\" }";
        var s = SnapshotJson.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal(BlobId.Parse(new string('a', 64)), s.Tree);
        Assert.Empty(s.Paths);
        Assert.Equal(["t"], s.Tags!);
        Assert.Equal(5ul, s.Summary!.FilesNew);
        Assert.Equal(GoTime.Zero, s.Summary.BackupStart);
        Assert.Equal("restic 0.18.0", s.ProgramVersion);
    }

    [Theory]
    [InlineData("""{"time":"2026-11-21T10:42:42Z","paths":[]}""")]
    [InlineData("""{"time":"yesterday","tree":"f5dc98b6f854f0c6ff39232ae877fc1d4cde81f9c5939eefed969372ed865755"}""")]
    [InlineData("""{"time":"2026-11-21T10:42:42Z","tree":"f5dc98b6"}""")]
    [InlineData("not json")]
    public void ParseRejectsBadInput(string json) =>
        Assert.Throws<InvalidDataException>(() => SnapshotJson.Parse(Encoding.UTF8.GetBytes(json)));
}

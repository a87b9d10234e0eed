using Coffre.Maintenance.Copy;
using Coffre.Model;

namespace Coffre.Tests.Maintenance.Copy;

/// <summary>restic 0.14's similarSnapshots and its --host/--tag/--path filters.</summary>
public sealed class SimilarSnapshotsTests
{
    private static Snapshot Make() => new()
    {
        Time = new GoTime(1_700_000_000, 123_456_789, 3600),
        Tree = BlobId.Hash([1]),
        Paths = ["/a", "/b"],
        Hostname = "h",
        Username = "u",
        Uid = 1000,
        Gid = 1000,
        Tags = ["x", "y"],
        Excludes = ["*.tmp", "cache"],
    };

    [Fact]
    public void Parent_original_zone_and_order_of_paths_and_tags_do_not_matter()
    {
        var copy = Make();
        copy.Parent = BlobId.Hash([2]);
        copy.Original = BlobId.Hash([3]);
        copy.Time = new GoTime(1_700_000_000, 123_456_789, 0);
        copy.Paths = ["/b", "/a"];
        copy.Tags = ["y", "x"];
        Assert.True(SimilarSnapshots.AreSimilar(Make(), copy));
    }

    public static TheoryData<string> Changes => ["time", "nanoseconds", "tree", "host", "user", "uid", "gid", "path", "tag", "exclude order"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void Any_other_difference_makes_another_snapshot(string change)
    {
        var other = Make();
        switch (change)
        {
            case "time": other.Time = new GoTime(1_700_000_001, 123_456_789, 3600); break;
            case "nanoseconds": other.Time = new GoTime(1_700_000_000, 123_456_788, 3600); break;
            case "tree": other.Tree = BlobId.Hash([9]); break;
            case "host": other.Hostname = "g"; break;
            case "user": other.Username = "v"; break;
            case "uid": other.Uid = 0; break;
            case "gid": other.Gid = 0; break;
            case "path": other.Paths = ["/a", "/c"]; break;
            case "tag": other.Tags = ["x"]; break;
            case "exclude order": other.Excludes = ["cache", "*.tmp"]; break;
        }
        Assert.False(SimilarSnapshots.AreSimilar(Make(), other));
    }

    [Fact]
    public void Filters_match_like_restic()
    {
        var s = Make();
        Assert.True(SnapshotFilter.All.Matches(s));
        Assert.True(new SnapshotFilter { Hosts = ["g", "h"] }.Matches(s));
        Assert.False(new SnapshotFilter { Hosts = ["g"] }.Matches(s));
        Assert.True(new SnapshotFilter { Tags = SnapshotFilter.TagGroups(["x,y"]) }.Matches(s));
        Assert.False(new SnapshotFilter { Tags = SnapshotFilter.TagGroups(["x,z"]) }.Matches(s));
        Assert.True(new SnapshotFilter { Tags = SnapshotFilter.TagGroups(["x,z", "y"]) }.Matches(s));
        Assert.True(new SnapshotFilter { Paths = ["/a", "/b"] }.Matches(s));
        Assert.False(new SnapshotFilter { Paths = ["/a", "/c"] }.Matches(s));
    }
}

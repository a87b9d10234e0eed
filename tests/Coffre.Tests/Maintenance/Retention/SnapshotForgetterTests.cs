using Coffre.Maintenance.Retention;
using Coffre.Repository;
using static Coffre.Tests.Maintenance.Retention.Snapshots;

namespace Coffre.Tests.Maintenance.Retention;

public class SnapshotForgetterTests
{
    private static IReadOnlyList<ForgetGroup> Plan(ForgetRequest request, params SnapshotEntry[] s) =>
        SnapshotForgetter.Plan(s, request, Later, TimeZoneInfo.Utc);

    [Fact]
    public void Application_snapshots_group_by_host_and_application_whatever_their_paths()
    {
        SnapshotEntry[] s =
        [
            At("a", "2021-05-03T10:00:00Z", ["coffre", "app:shop"], paths: ["sqlite:///srv/shop.db", "/srv/media"]),
            At("b", "2021-05-02T10:00:00Z", ["coffre", "app:shop", "pre-restore"], paths: ["/srv/media"]),
            At("c", "2021-05-01T10:00:00Z", ["coffre", "app:shop"], host: "web2"),
            At("d", "2021-05-01T10:00:00Z", ["coffre", "app:blog"]),
            At("e", "2021-05-01T10:00:00Z", ["media"], paths: ["/b", "/a"]),
            At("f", "2021-04-01T10:00:00Z", null, paths: ["/a", "/b"]),
            At("g", "2021-04-01T10:00:00Z", null, paths: ["/a"]),
        ];
        var groups = Plan(new ForgetRequest { Policy = new RetentionPolicy { Last = 1 } }, s);
        Assert.Equal(
            ["application blog on host web1", "application shop on host web1", "/a on host web1", "/a, /b on host web1", "application shop on host web2"],
            groups.Select(g => g.Key.ToString()));
        var shop = groups[1];
        Assert.Equal([s[0].Id], shop.Decision.Keep.Select(k => k.Id));
        Assert.Equal([s[1].Id], shop.Decision.Remove.Select(k => k.Id)); // the safety snapshot is rotated with the rest
        Assert.Equal([s[4].Id], groups[3].Decision.Keep.Select(k => k.Id)); // paths are compared sorted
    }

    [Fact]
    public void A_policy_that_empties_a_group_is_refused_unless_allowed()
    {
        SnapshotEntry[] s = [At("a", "2021-05-03T10:00:00Z", ["app:shop"]), At("b", "2021-05-02T10:00:00Z", ["app:shop", "pre-restore"]), At("c", "2021-05-01T10:00:00Z", ["app:blog", "pre-restore"])];
        var policy = new RetentionPolicy { KeepTags = [["pre-restre"]] };
        var e = Assert.Throws<CoffreException>(() => Plan(new ForgetRequest { Policy = policy }, s));
        Assert.Contains("refusing to remove all 1 snapshots of application blog on host web1 (and of 1 other group(s))", e.Message, StringComparison.Ordinal);
        Assert.Contains("--allow-empty", e.Message, StringComparison.Ordinal);
        var groups = Plan(new ForgetRequest { Policy = policy, AllowEmpty = true }, s);
        Assert.Equal(3, groups.Sum(g => g.Decision.Remove.Count));
    }

    [Fact]
    public void A_protected_snapshot_is_kept_whatever_the_policy_says()
    {
        // The clock went back: the backup just made is not the newest, and "within" keeps only the newest.
        SnapshotEntry[] s = [At("new", "2021-05-01T10:00:00Z", ["app:shop"]), At("newer", "2021-06-03T10:00:00Z", ["app:shop"]), At("old", "2021-04-03T10:00:00Z", ["app:shop"])];
        var groups = Plan(new ForgetRequest { Policy = new RetentionPolicy { Within = RetentionDuration.FromDays(1) }, Protected = new HashSet<Coffre.Model.BlobId> { s[0].Id } }, s);
        var d = groups.Single().Decision;
        Assert.Equal([s[1].Id, s[0].Id], d.Keep.Select(k => k.Id));
        Assert.Equal([s[2].Id], d.Remove.Select(k => k.Id));
        Assert.Equal([SnapshotForgetter.ProtectedReason], d.Reasons[1].Matches);
    }

    [Fact]
    public void Host_and_tag_filters_narrow_the_snapshots_considered()
    {
        SnapshotEntry[] s = [At("a", "2021-05-03T10:00:00Z", ["app:shop"]), At("b", "2021-05-02T10:00:00Z", ["app:shop"], host: "web2"), At("c", "2021-05-01T10:00:00Z", ["app:blog"])];
        var groups = Plan(new ForgetRequest { Policy = new RetentionPolicy { Last = 1 }, Hosts = ["web1"], Tags = [["app:shop"]] }, s);
        Assert.Equal([s[0].Id], groups.Single().Decision.Keep.Select(k => k.Id));
    }

    [Fact]
    public void No_policy_and_negative_counts_are_errors()
    {
        SnapshotEntry[] s = [At("a", "2021-05-03T10:00:00Z")];
        Assert.Contains("no retention policy", Assert.Throws<CoffreException>(() => Plan(new ForgetRequest { Policy = new RetentionPolicy() }, s)).Message, StringComparison.Ordinal);
        Assert.Contains("negative", Assert.Throws<CoffreException>(() => Plan(new ForgetRequest { Policy = new RetentionPolicy { Daily = -1 } }, s)).Message, StringComparison.Ordinal);
    }
}

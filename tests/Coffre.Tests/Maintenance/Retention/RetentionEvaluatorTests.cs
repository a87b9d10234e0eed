using Coffre.Maintenance.Retention;
using Coffre.Repository;
using static Coffre.Tests.Maintenance.Retention.Snapshots;

namespace Coffre.Tests.Maintenance.Retention;

/// <summary>Golden cases of restic 0.14's ApplyPolicy (the integration tests compare many more with restic itself).</summary>
public class RetentionEvaluatorTests
{
    private static RetentionDecision Apply(RetentionPolicy policy, params SnapshotEntry[] snapshots) =>
        RetentionEvaluator.Apply(snapshots, policy, Later, TimeZoneInfo.Utc);

    private static string[] Names(IEnumerable<SnapshotEntry> list, params SnapshotEntry[] all) =>
        [.. list.Select(s => Array.FindIndex(all, a => a.Id == s.Id)).Select(i => "s" + i)];

    [Fact]
    public void Keep_last_keeps_the_newest_n_with_their_counters()
    {
        SnapshotEntry[] s = [At("a", "2021-05-01T10:00:00Z"), At("b", "2021-05-03T10:00:00Z"), At("c", "2021-05-02T10:00:00Z"), At("d", "2021-04-01T10:00:00Z")];
        var d = Apply(new RetentionPolicy { Last = 2 }, s);
        Assert.Equal(["s1", "s2"], Names(d.Keep, s));
        Assert.Equal(["s0", "s3"], Names(d.Remove, s));
        Assert.Equal([1, 0], d.Reasons.Select(r => r.Counters.Last));
        Assert.All(d.Reasons, r => Assert.Equal(["last snapshot"], r.Matches));
    }

    [Fact]
    public void Daily_keeps_the_newest_of_each_day_and_not_the_oldest_when_counts_are_left()
    {
        SnapshotEntry[] s = [At("a", "2021-05-03T18:00:00Z"), At("b", "2021-05-03T06:00:00Z"), At("c", "2021-05-01T23:59:59Z"), At("d", "2021-05-01T00:00:00Z")];
        var d = Apply(new RetentionPolicy { Daily = 10 }, s);
        Assert.Equal(["s0", "s2"], Names(d.Keep, s));
        Assert.Equal(["s1", "s3"], Names(d.Remove, s)); // restic 0.14 does not keep the group's oldest snapshot
        Assert.Equal([9, 8], d.Reasons.Select(r => r.Counters.Daily));
    }

    [Fact]
    public void Month_boundary_follows_the_recorded_offset()
    {
        // Both are January in UTC; at +01:00 the newer one is February 1st.
        SnapshotEntry[] local = [At("a", "2021-02-01T00:30:00+01:00"), At("b", "2021-01-31T23:30:00+01:00")];
        Assert.Equal(2, Apply(new RetentionPolicy { Monthly = 5 }, local).Keep.Count);
        SnapshotEntry[] utc = [At("a", "2021-01-31T23:30:00Z"), At("b", "2021-01-31T22:30:00Z")];
        Assert.Single(Apply(new RetentionPolicy { Monthly = 5 }, utc).Keep);
    }

    [Fact]
    public void Year_boundary_iso_week_and_year_buckets_differ()
    {
        // Thursday Dec 31 2020 and Sunday Jan 3 2021 are in ISO week 2020-53; the years differ.
        SnapshotEntry[] s = [At("a", "2021-01-03T09:00:00Z"), At("b", "2020-12-31T09:00:00Z"), At("c", "2020-12-27T09:00:00Z")];
        Assert.Equal(["s0", "s2"], Names(Apply(new RetentionPolicy { Weekly = 5 }, s).Keep, s));
        Assert.Equal(["s0", "s1"], Names(Apply(new RetentionPolicy { Yearly = 5 }, s).Keep, s));
        var both = Apply(new RetentionPolicy { Weekly = 1, Yearly = 2 }, s);
        Assert.Equal(["s0", "s1"], Names(both.Keep, s));
        Assert.Equal(["weekly snapshot", "yearly snapshot"], both.Reasons[0].Matches);
        Assert.Equal(["yearly snapshot"], both.Reasons[1].Matches);
        Assert.Equal(new KeepCounters(0, 0, 0, 0, 0, 0), both.Reasons[1].Counters);
    }

    [Fact]
    public void Hourly_counts_the_repeated_dst_hour_once()
    {
        // 02:30 summer time and 02:30 winter time on 2021-10-31 are an hour apart but show the same wall-clock hour.
        SnapshotEntry[] s = [At("a", "2021-10-31T02:30:00+01:00"), At("b", "2021-10-31T02:30:00+02:00"), At("c", "2021-10-31T01:59:00+02:00")];
        var d = RetentionEvaluator.Apply(s, new RetentionPolicy { Hourly = 10 }, Later, Paris);
        Assert.Equal(["s0", "s2"], Names(d.Keep, s));
    }

    [Fact]
    public void Within_counts_back_from_the_newest_snapshot_not_from_now()
    {
        SnapshotEntry[] s = [At("a", "2021-05-10T12:00:00Z"), At("b", "2021-05-03T12:00:01Z"), At("c", "2021-05-03T12:00:00Z"), At("d", "2021-04-01T00:00:00Z")];
        var d = Apply(new RetentionPolicy { Within = RetentionDuration.FromDays(7) }, s);
        Assert.Equal(["s0", "s1"], Names(d.Keep, s)); // strictly newer than the newest minus 7 days
        Assert.All(d.Reasons, r => Assert.Equal(["within 7d"], r.Matches));
    }

    [Fact]
    public void Within_ignores_snapshots_dated_in_the_future_when_finding_the_newest()
    {
        var now = new DateTimeOffset(2021, 6, 1, 0, 0, 0, TimeSpan.Zero);
        SnapshotEntry[] s = [At("a", "2030-01-01T00:00:00Z"), At("b", "2021-05-31T00:00:00Z"), At("c", "2021-05-25T00:00:00Z"), At("d", "2021-05-20T00:00:00Z")];
        var d = RetentionEvaluator.Apply(s, new RetentionPolicy { Within = RetentionDuration.FromDays(7) }, now, TimeZoneInfo.Utc);
        Assert.Equal(["s0", "s1", "s2"], Names(d.Keep, s));
        // Everything in the future: the newest is Go's zero time, and every snapshot is within.
        var past = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(4, RetentionEvaluator.Apply(s, new RetentionPolicy { Within = RetentionDuration.FromDays(7) }, past, TimeZoneInfo.Utc).Keep.Count);
    }

    [Fact]
    public void Within_across_spring_dst_depends_on_the_local_zone()
    {
        // Newest at Paris summer time; a week back in Paris wall time is 2021-03-26 12:00+01:00 (11:00 UTC).
        SnapshotEntry[] s = [At("n", "2021-04-02T12:00:00+02:00"), At("a", "2021-03-26T12:30:00+01:00"), At("b", "2021-03-26T12:00:00+01:00"), At("c", "2021-03-26T11:30:00+01:00")];
        var policy = new RetentionPolicy { Within = RetentionDuration.FromDays(7) };
        Assert.Equal(["s0", "s1"], Names(RetentionEvaluator.Apply(s, policy, Later, Paris).Keep, s));
        // Elsewhere +02:00 is a fixed zone: exactly 168 hours, 10:00 UTC.
        Assert.Equal(["s0", "s1", "s2", "s3"], Names(RetentionEvaluator.Apply(s, policy, Later, TimeZoneInfo.Utc).Keep, s));
    }

    [Fact]
    public void Identical_times_are_ordered_by_id_whatever_the_listing_order()
    {
        SnapshotEntry[] s = [At("x", "2021-05-01T10:00:00Z"), At("y", "2021-05-01T10:00:00Z"), At("z", "2021-05-01T10:00:00Z"), At("w", "2021-04-30T10:00:00Z")];
        var byId = s.Take(3).OrderBy(e => e.Id.ToString(), StringComparer.Ordinal).Select(e => e.Id).ToList();
        foreach (var order in new[] { s, s.Reverse().ToArray(), [s[1], s[3], s[0], s[2]] })
        {
            var daily = Apply(new RetentionPolicy { Daily = 2 }, order);
            Assert.Equal([byId[0], s[3].Id], daily.Keep.Select(k => k.Id));
            var last = Apply(new RetentionPolicy { Last = 2 }, order);
            Assert.Equal(byId.Take(2), last.Keep.Select(k => k.Id));
        }
    }

    [Fact]
    public void Tag_lists_need_every_tag_and_count_nothing()
    {
        SnapshotEntry[] s =
        [
            At("a", "2021-05-03T10:00:00Z", ["pre-restore", "app:shop"]),
            At("b", "2021-05-03T09:00:00Z", ["pre-restore"]),
            At("c", "2021-05-02T10:00:00Z"),
            At("d", "2021-05-01T10:00:00Z", ["app:shop"]),
        ];
        var d = Apply(new RetentionPolicy { KeepTags = [["pre-restore", "app:shop"], [""]], Daily = 1 }, s);
        Assert.Equal(["s0", "s2"], Names(d.Keep, s));
        Assert.Equal(["has tags [pre-restore, app:shop]", "daily snapshot"], d.Reasons[0].Matches);
        Assert.Equal(["has tags []"], d.Reasons[1].Matches); // the empty tag: a snapshot without tags
    }

    [Fact]
    public void Within_buckets_keep_one_per_period_inside_the_window()
    {
        SnapshotEntry[] s =
        [
            At("a", "2021-05-10T20:00:00Z"), At("b", "2021-05-10T08:00:00Z"), At("c", "2021-05-09T08:00:00Z"),
            At("d", "2021-05-07T08:00:00Z"), At("e", "2021-05-01T08:00:00Z"),
        ];
        var d = Apply(new RetentionPolicy { WithinDaily = RetentionDuration.FromDays(5) }, s);
        Assert.Equal(["s0", "s2", "s3"], Names(d.Keep, s));
        Assert.All(d.Reasons, r => Assert.Equal(["daily within 5d"], r.Matches));
    }

    [Fact]
    public void An_empty_policy_keeps_everything()
    {
        SnapshotEntry[] s = [At("a", "2021-05-01T10:00:00Z"), At("b", "2021-05-02T10:00:00Z")];
        var d = Apply(new RetentionPolicy(), s);
        Assert.Equal(2, d.Keep.Count);
        Assert.Empty(d.Remove);
        Assert.All(d.Reasons, r => Assert.Equal(["policy is empty"], r.Matches));
    }

    [Fact]
    public void Policy_reads_like_restic()
    {
        var p = new RetentionPolicy { Last = 2, Daily = 7, WithinWeekly = RetentionDuration.Parse("2m"), KeepTags = [["a", "b"]], Within = RetentionDuration.Parse("1y2m3d4h") };
        Assert.Equal("keep 2 latest, 7 daily snapshots, weekly snapshots within 2m and all snapshots with tags [a, b] and all snapshots within 1y2m3d4h of the newest", p.ToString());
        Assert.Equal("keep all snapshots within 30d of the newest", RetentionPolicy.FromConfig(new Coffre.Configuration.RetentionSection()).ToString());
    }
}

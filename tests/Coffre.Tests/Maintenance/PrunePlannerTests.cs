using System.Runtime.Versioning;
using Coffre.Maintenance.Prune;
using Coffre.Model;
using static Coffre.Tests.Maintenance.PruneFixture;

namespace Coffre.Tests.Maintenance;

[SupportedOSPlatform("linux")]
public class PrunePlannerTests
{
    [Fact]
    public void Fully_used_packs_stay_unused_ones_go_and_half_used_ones_are_repacked()
    {
        var f = new PruneFixture();
        var full = f.Pack("full", "a:1000", "b:1000");
        var unused = f.Pack("unused", "c:1000", "d:1000");
        var half = f.Pack("half", "e:1000", "g:1000");
        var trees = f.Pack("trees", "t:root:4");
        f.Index("1", full, unused, half, trees);
        f.Use("a", "b", "e");
        f.UseTree("root");

        var plan = f.Plan();

        Assert.Equal([unused.PackId], plan.RemovePacks.Select(p => p.Id));
        Assert.Equal([half.PackId], plan.Repack.Keys);
        Assert.Equal([Id("e")], plan.Repack[half.PackId].Select(b => b.Id));
        Assert.Empty(plan.UnindexedPacks);
        Assert.Single(plan.ObsoleteIndexFiles);
        Assert.Equal(new[] { full.PackId, trees.PackId }.Order(), plan.Reindex.Select(p => p.PackId).Order());
        Assert.Equal(1000 * 1024, plan.Stats.CopyBytes);
        Assert.Equal(0, plan.Stats.UnusedAfter);
        Assert.True(plan.HasWork);
    }

    [Fact]
    public void Nothing_to_do_when_every_pack_is_fully_used()
    {
        var f = new PruneFixture();
        f.Index("1", f.Pack("p", "a:1000"), f.Pack("t", "t:root:2"));
        f.Use("a");
        f.UseTree("root");

        var plan = f.Plan();

        Assert.False(plan.HasWork);
        Assert.Equal(0, plan.Stats.BytesToWrite);
        Assert.Equal(0, plan.Stats.FreedBytes);
    }

    [Fact]
    public void Max_unused_tolerates_partly_used_data_packs_but_not_tree_packs()
    {
        var f = new PruneFixture();
        var data = f.Pack("data", "a:1000", "b:1000");
        var trees = f.Pack("trees", "t:x:800", "t:y:800");
        f.Index("1", data, trees);
        f.Use("a");
        f.UseTree("x");

        var unlimited = f.Plan(new PruneOptions { MaxUnused = UnusedLimit.Unlimited });
        Assert.Equal([trees.PackId], unlimited.Repack.Keys);

        // 50%: 1000 KiB unused of 1800 KiB used after the trees are repacked is within the limit.
        var half = f.Plan(new PruneOptions { MaxUnused = UnusedLimit.Percent(50) });
        Assert.Equal([trees.PackId], half.Repack.Keys);

        var strict = f.Plan(new PruneOptions { MaxUnused = UnusedLimit.Percent(0) });
        Assert.Equal(new[] { data.PackId, trees.PackId }.Order(), strict.Repack.Keys.Order());
    }

    [Fact]
    public void Max_repack_size_zero_only_deletes_whole_packs()
    {
        var f = new PruneFixture();
        var half = f.Pack("half", "a:1000", "b:1000");
        var unused = f.Pack("unused", "c:1000");
        f.Index("1", half, unused);
        f.Use("a");

        var plan = f.Plan(new PruneOptions { MaxRepackBytes = 0 });

        Assert.Empty(plan.Repack);
        Assert.Equal([unused.PackId], plan.RemovePacks.Select(p => p.Id));
        Assert.Equal(0, plan.Stats.CopyBytes);
    }

    [Fact]
    public void Packs_no_index_names_are_deleted_first()
    {
        var f = new PruneFixture();
        f.Index("1", f.Pack("p", "a:1000"));
        var stray = f.Pack("stray", "z:500");
        f.Use("a");

        var plan = f.Plan();

        Assert.Equal([stray.PackId], plan.UnindexedPacks.Select(p => p.Id));
        Assert.Empty(plan.RemovePacks);
        Assert.Empty(plan.ObsoleteIndexFiles);
        Assert.Equal(f.Stored[stray.PackId], plan.Stats.FreedBytes);
    }

    [Fact]
    public void A_missing_pack_that_holds_nothing_needed_is_dropped_from_the_index()
    {
        var f = new PruneFixture();
        var kept = f.Pack("kept", "a:1000");
        var gone = f.Pack("gone", "b:1000");
        f.Stored.Remove(gone.PackId);
        var other = f.Pack("other", "c:1000");
        f.Index("1", kept, gone);
        f.Index("2", other);
        f.Use("a", "c");

        var plan = f.Plan();

        Assert.Equal([gone.PackId], plan.ForgetPacks);
        Assert.Equal([kept.PackId], plan.Reindex.Select(p => p.PackId));
        Assert.Single(plan.ObsoleteIndexFiles);
        Assert.Empty(plan.RemovePacks);
    }

    [Fact]
    public void A_missing_pack_that_holds_needed_data_stops_the_prune()
    {
        var f = new PruneFixture();
        var gone = f.Pack("gone", "a:1000");
        f.Stored.Remove(gone.PackId);
        f.Index("1", gone);
        f.Use("a");

        var e = Assert.Throws<CoffreException>(() => f.Plan());
        Assert.Contains(gone.PackId.ToShortString(), e.Message, StringComparison.Ordinal);
        Assert.Contains("coffre check", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_needed_pack_of_the_wrong_size_stops_the_prune_and_an_unneeded_one_is_deleted()
    {
        var f = new PruneFixture();
        var bad = f.Pack("bad", "a:1000");
        f.Stored[bad.PackId] -= 10;
        f.Index("1", bad);
        f.Use("a");
        Assert.Contains("expects", Assert.Throws<CoffreException>(() => f.Plan()).Message, StringComparison.Ordinal);

        f.Used.Clear();
        var plan = f.Plan();
        Assert.Equal([bad.PackId], plan.RemovePacks.Select(p => p.Id));
    }

    [Fact]
    public void A_needed_blob_in_no_index_stops_the_prune()
    {
        var f = new PruneFixture();
        f.Index("1", f.Pack("p", "a:1000"));
        f.Use("a", "not-stored");
        Assert.Contains("in no index", Assert.Throws<CoffreException>(() => f.Plan()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_two_copies_the_pack_that_is_better_used_keeps_them_and_the_other_goes()
    {
        var f = new PruneFixture();
        var small = f.Pack("small", "a:1000", "b:1000");
        var large = f.Pack("large", "a:1000", "b:1000", "c:1000");
        f.Index("1", small);
        f.Index("2", large);
        f.Use("a", "b", "c");

        var plan = f.Plan();

        Assert.Equal([small.PackId], plan.RemovePacks.Select(p => p.Id));
        Assert.Empty(plan.Repack);
        Assert.Equal(2, plan.Stats.DuplicateBlobs);
        Assert.Equal(3, plan.Stats.UsedBlobs);
    }

    [Fact]
    public void Copies_left_by_an_interrupted_repack_make_the_old_pack_unused()
    {
        // The old pack (a used, b not) was repacked into "new" (a), and its index written; then the prune died.
        var f = new PruneFixture();
        var old = f.Pack("old", "a:1000", "b:1000");
        var copy = f.Pack("new", "a:1000");
        f.Index("old", old);
        f.Index("new", copy);
        f.Use("a");

        var plan = f.Plan();

        Assert.Equal([old.PackId], plan.RemovePacks.Select(p => p.Id));
        Assert.Empty(plan.Repack);
        Assert.Equal([Id("index old").ToString()], plan.ObsoleteIndexFiles.Select(i => i.Name));
        Assert.Empty(plan.Reindex);
    }

    [Fact]
    public void A_pack_described_by_two_index_files_keeps_one_description()
    {
        var f = new PruneFixture();
        var p = f.Pack("p", "a:1000");
        var q = f.Pack("q", "b:1000");
        f.Index("1", p);
        f.Index("2", p, q);
        f.Use("a", "b");

        var plan = f.Plan();

        // Files are taken in name order: the first that describes p keeps it, the other is replaced.
        Assert.Single(plan.ObsoleteIndexFiles);
        var kept = f.IndexFiles.Single(i => i != plan.ObsoleteIndexFiles[0]);
        var reindexed = plan.Reindex.Select(x => x.PackId).ToList();
        Assert.Equal(new[] { p.PackId, q.PackId }.Order(), kept.Packs.Select(x => x.PackId).Concat(reindexed).Distinct().Order());
        Assert.DoesNotContain(reindexed, kept.Packs.Select(x => x.PackId).Contains);
    }

    [Fact]
    public void Two_different_descriptions_of_one_pack_stop_the_prune()
    {
        var f = new PruneFixture();
        var p = f.Pack("p", "a:1000", "b:1000");
        f.Index("1", p);
        f.Index("2", new IndexPack(p.PackId, [p.Blobs[0]]));
        f.Use("a");
        Assert.Contains("described differently", Assert.Throws<CoffreException>(() => f.Plan()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    public void Ten_or_more_small_packs_are_gathered(int count, bool gathered)
    {
        var f = new PruneFixture();
        var packs = Enumerable.Range(0, count).Select(i => f.Pack($"small{i}", $"s{i}:100")).ToArray();
        f.Index("1", packs);
        f.Use([.. Enumerable.Range(0, count).Select(i => $"s{i}")]);

        var plan = f.Plan();

        Assert.Equal(gathered ? count : 0, plan.Repack.Count);
        Assert.Equal(gathered ? count : 0, plan.Stats.CopyBlobs);
    }

    [Fact]
    public void Repack_small_counts_packs_below_80_percent_of_the_target_as_small()
    {
        var f = new PruneFixture();
        var packs = Enumerable.Range(0, 10).Select(i => f.Pack($"mid{i}", $"m{i}:4000")).ToArray();
        f.Index("1", packs);
        f.Use([.. Enumerable.Range(0, 10).Select(i => $"m{i}")]);

        Assert.Empty(f.Plan().Repack);
        Assert.Equal(10, f.Plan(new PruneOptions { RepackSmall = true }).Repack.Count);
    }

    [Fact]
    public void A_blob_a_kept_pack_also_holds_is_not_copied_out_of_a_repacked_pack()
    {
        var f = new PruneFixture();
        // "small" holds a's best copy (75% used) but is small, so it is repacked; "large" (73% used) stays
        // within a 50% limit, and its copy of a serves.
        var small = f.Pack("small", "a:300", "j:100");
        var large = f.Pack("large", "a:300", "x:5000", "junk:2000");
        f.Index("1", small, large);
        f.Use("a", "x");

        var plan = f.Plan(new PruneOptions { MaxUnused = UnusedLimit.Percent(50) });

        Assert.Equal([small.PackId], plan.Repack.Keys);
        Assert.Empty(plan.Repack[small.PackId]);
        Assert.Empty(plan.RemovePacks);
        Assert.Equal(0, plan.Stats.CopyBytes);
    }
}

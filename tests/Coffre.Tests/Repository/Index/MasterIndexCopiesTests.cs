using Coffre.Model;
using Coffre.Repository.Index;

namespace Coffre.Tests.Repository.Index;

/// <summary>A blob stored in several packs keeps every copy; a copy proven damaged is skipped by readers and dedup.</summary>
public class MasterIndexCopiesTests
{
    private static readonly BlobId Blob = BlobId.Hash("blob"u8);
    private static readonly BlobId First = BlobId.Hash("first pack"u8);
    private static readonly BlobId Second = BlobId.Hash("second pack"u8);

    private static IndexBlob At(uint offset) => new(Blob, BlobType.Data, offset, 100, 0);

    [Fact]
    public void A_damaged_only_copy_is_not_deduplicated_against()
    {
        var index = new MasterIndex();
        index.Add(First, At(0));
        Assert.True(index.Has(Blob));
        index.MarkBad(First, Blob);
        Assert.False(index.Has(Blob)); // the backup stores it again
        Assert.True(index.IsIndexed(Blob));
        Assert.False(index.TryGetEntry(Blob, out _, out _));
    }

    [Fact]
    public void A_whole_damaged_pack_counts_for_all_its_blobs()
    {
        var index = new MasterIndex();
        index.Add(First, [At(0), new IndexBlob(BlobId.Hash("x"u8), BlobType.Data, 100, 50, 0)]);
        index.MarkBad(First, null);
        Assert.False(index.Has(Blob));
        Assert.False(index.Has(BlobId.Hash("x"u8)));
    }

    [Fact]
    public void Readers_fall_back_to_the_sound_copy()
    {
        var index = new MasterIndex();
        index.Add(First, At(0));
        index.Add(Second, At(500));
        index.Add(Second, At(500)); // the same copy again is not a third one
        Assert.Equal(2, index.Copies(Blob).Count);
        Assert.True(index.TryGetEntry(Blob, out var pack, out _));
        Assert.Equal(First, pack);
        index.MarkBad(First, Blob);
        Assert.True(index.Has(Blob));
        Assert.True(index.TryGetEntry(Blob, out pack, out var entry));
        Assert.Equal(Second, pack);
        Assert.Equal(500u, entry.Offset);
        Assert.True(index.IsBad(First, Blob));
        Assert.False(index.IsBad(Second, Blob));
    }

    [Fact]
    public void Marking_an_unknown_pack_changes_nothing()
    {
        var index = new MasterIndex();
        index.Add(First, At(0));
        index.MarkBad(Second, null);
        Assert.True(index.Has(Blob));
    }
}

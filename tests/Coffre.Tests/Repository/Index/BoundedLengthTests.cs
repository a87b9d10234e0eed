using System.Buffers.Binary;
using System.Text;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository.Crypto;
using Coffre.Repository.Pack;

namespace Coffre.Tests.Repository.Index;

/// <summary>Every length and offset an index file or a pack header gives is checked where it is read.</summary>
public class BoundedLengthTests
{
    private static readonly BlobId Pack = BlobId.Hash("pack"u8);
    private static readonly BlobId Blob = BlobId.Hash("blob"u8);

    private static byte[] Index(string blobFields) => Encoding.UTF8.GetBytes(
        $$"""{"packs":[{"id":"{{Pack}}","blobs":[{"id":"{{Blob}}","type":"data",{{blobFields}}}]}]}""");

    [Theory]
    [InlineData("\"offset\":0,\"length\":2147483648", "length 2147483648")]            // >= 2^31: was ArgumentOutOfRangeException when read
    [InlineData("\"offset\":0,\"length\":4294967295", "length 4294967295")]
    [InlineData("\"offset\":0,\"length\":1073741825", "length 1073741825")]            // just above 1 GiB
    [InlineData("\"offset\":0,\"length\":31", "shorter than its encryption overhead")]
    [InlineData("\"offset\":0,\"length\":0", "shorter than its encryption overhead")]
    [InlineData("\"offset\":4294967295,\"length\":100", "beyond what a pack can hold")]
    [InlineData("\"offset\":0,\"length\":100,\"uncompressed_length\":4294967295", "uncompressed length 4294967295")]
    public void An_index_entry_out_of_bounds_is_a_clear_error(string fields, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => IndexJson.ParsePacks(Index(fields)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(Pack.ToShortString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Largest_allowed_entry_parses()
    {
        var packs = IndexJson.ParsePacks(Index($"\"offset\":{uint.MaxValue - IndexJson.MaxBlobLength},\"length\":{IndexJson.MaxBlobLength},\"uncompressed_length\":{IndexJson.MaxBlobLength}"));
        Assert.Equal(IndexJson.MaxBlobLength, packs[0].Blobs[0].Length);
    }

    private static byte[] Entry(byte type, uint length, uint? uncompressed, BlobId id)
    {
        var e = new byte[uncompressed is null ? PackHeader.PlainEntrySize : PackHeader.CompressedEntrySize];
        e[0] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(1), length);
        if (uncompressed is { } u) BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(5), u);
        id.WriteTo(e.AsSpan(e.Length - 32));
        return e;
    }

    /// <summary>A pack of the given data size whose (correctly sealed) header holds these entries.</summary>
    private static byte[] PackWith(CryptoKey key, int dataSize, params byte[][] entries)
    {
        var plainHeader = entries.SelectMany(e => e).ToArray();
        var sealedHeader = key.Seal(plainHeader);
        var pack = new byte[dataSize + sealedHeader.Length + 4];
        sealedHeader.CopyTo(pack, dataSize);
        BinaryPrimitives.WriteUInt32LittleEndian(pack.AsSpan(pack.Length - 4), (uint)sealedHeader.Length);
        return pack;
    }

    [Theory]
    [InlineData(0u, 2147483648u, "length 2147483648")]
    [InlineData(0u, 10u, "shorter than its encryption overhead")]
    [InlineData(2u, 100u, "uncompressed length")]
    public void A_pack_header_entry_out_of_bounds_is_a_clear_error(byte type, uint length, string expected)
    {
        var key = CryptoKey.NewRandom();
        var pack = PackWith(key, 1000, Entry(type, length, type >= 2 ? uint.MaxValue : null, Blob));
        var e = Assert.Throws<InvalidDataException>(() => PackHeader.ReadFromPack(pack, Pack, key));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pack_header_blobs_must_fit_in_the_pack()
    {
        var key = CryptoKey.NewRandom();
        // Two entries of 600 bytes each claim 1200 bytes of a pack with 1000 bytes of data.
        var pack = PackWith(key, 1000, Entry(0, 600, null, Blob), Entry(0, 600, null, BlobId.Hash("other"u8)));
        var e = Assert.Throws<InvalidDataException>(() => PackHeader.ReadFromPack(pack, Pack, key));
        Assert.Contains("beyond the 1000 bytes of data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pack_header_offsets_cannot_wrap_around()
    {
        // Before: offsets were summed in 32 bits, so five 1 GiB entries wrapped to a small offset.
        var entries = Enumerable.Range(0, 5).Select(i => Entry(0, IndexJson.MaxBlobLength, null, BlobId.Hash([(byte)i]))).ToArray();
        var plain = entries.SelectMany(e => e).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => PackHeader.Decode(plain));
        Assert.Contains("4 GiB", e.Message, StringComparison.Ordinal);
    }
}

using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Coffre.Model;
using Coffre.Model.Json;

namespace Coffre.Tests.Model;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class IndexJsonTests
{
    // Fixture index ba30ee45... (first backup), decrypted from the shared tarball: 873 bytes incl. the newline.
    private const string FixtureIndex =
        """{"packs":[{"id":"ce06344900ccadb8f5eca0dcf7d686925d29f2291fa897f22ff14ee857e44815","blobs":[{"id":"fbbd69198637d5360353c39796181175de6311c2a61abe2fe6392c938018660f","type":"data","offset":0,"length":54,"uncompressed_length":13},{"id":"d7aaf83f99b9ef6e93ebb0d2afcedf19ae9b7768687e23cf4b33c713f0d6ec2c","type":"data","offset":54,"length":105,"uncompressed_length":79}]},{"id":"a013e7251d4c2ad8e57d0349d8e5f3d3a4e22640735615ae6eb4c3f9aad06166","blobs":[{"id":"e4f61cafc0f58f2c5fb28835575a9281156ed41818f5d370d2dbf11de8de77c1","type":"tree","offset":0,"length":272,"uncompressed_length":355},{"id":"75f9063d2e76d5eababb5d87386b5751810c2f2aff4a0aaafc45553f949a2de2","type":"tree","offset":272,"length":410,"uncompressed_length":1268},{"id":"5e88b88e4d3859d07c25562bd15b1fd6a844571eae16a02e47264c6aabea7c7c","type":"tree","offset":682,"length":269,"uncompressed_length":352}]}]}""" + "\n";

    private static readonly BlobId DataPack = BlobId.Parse("ce06344900ccadb8f5eca0dcf7d686925d29f2291fa897f22ff14ee857e44815");
    private static readonly BlobId Hello = BlobId.Parse("fbbd69198637d5360353c39796181175de6311c2a61abe2fe6392c938018660f");
    private static readonly BlobId BTxt = BlobId.Parse("d7aaf83f99b9ef6e93ebb0d2afcedf19ae9b7768687e23cf4b33c713f0d6ec2c");

    [Fact]
    public void FixtureIndexRoundTripsByteForByte()
    {
        var golden = Encoding.UTF8.GetBytes(FixtureIndex);
        Assert.Equal(873, golden.Length);
        Assert.Equal("8e870a06953ebdf4f4c80d88b2d2fb9f82691fa83b63d6c291a5c013210eb098", Convert.ToHexStringLower(SHA256.HashData(golden)));
        var packs = IndexJson.ParsePacks(golden);
        Assert.Equal(2, packs.Count);
        Assert.Equal(DataPack, packs[0].PackId);
        Assert.Equal(new IndexBlob(Hello, BlobType.Data, 0, 54, 13), packs[0].Blobs[0]);
        Assert.Equal(new IndexBlob(BTxt, BlobType.Data, 54, 105, 79), packs[0].Blobs[1]);
        Assert.Equal(BlobType.Tree, packs[1].Blobs[2].Type);
        Assert.Equal(FixtureIndex, Encoding.UTF8.GetString(IndexJson.Serialize(packs)));
    }

    [Fact]
    public void Section7ExampleFromScratch()
    {
        var pack = new IndexPack(DataPack, [new IndexBlob(Hello, BlobType.Data, 0, 54, 13), new IndexBlob(BTxt, BlobType.Data, 54, 105, 79)]);
        var expected = "{\"packs\":[{\"id\":\"" + DataPack + "\",\"blobs\":[{\"id\":\"" + Hello +
                       "\",\"type\":\"data\",\"offset\":0,\"length\":54,\"uncompressed_length\":13},{\"id\":\"" + BTxt +
                       "\",\"type\":\"data\",\"offset\":54,\"length\":105,\"uncompressed_length\":79}]}]}\n";
        Assert.Equal(expected, Encoding.UTF8.GetString(IndexJson.Serialize([pack])));
    }

    [Fact]
    public void UncompressedLengthOmittedWhenZero()
    {
        var pack = new IndexPack(DataPack, [new IndexBlob(Hello, BlobType.Tree, 7, 45, 0)]);
        var json = Encoding.UTF8.GetString(IndexJson.Serialize([pack]));
        Assert.Equal("{\"packs\":[{\"id\":\"" + DataPack + "\",\"blobs\":[{\"id\":\"" + Hello + "\",\"type\":\"tree\",\"offset\":7,\"length\":45}]}]}\n", json);
        Assert.False(IndexJson.ParsePacks(Encoding.UTF8.GetBytes(json))[0].Blobs[0].IsCompressed);
    }

    [Fact]
    public void StreamingParseToleratesKeyOrderSupersedesAndUnknownKeys()
    {
        var json = $$"""
            {
              "supersedes": ["{{new string('9', 64)}}"],
              "packs": [
                {
                  "blobs": [
                    {"length": 105, "UNCOMPRESSED_LENGTH": 79, "type": "data", "extra": {"a": 1}, "offset": 54, "id": "{{BTxt}}"},
                    {"id": "{{Hello}}", "type": "tree", "offset": 0, "length": 54, "uncompressed_length": null}
                  ],
                  "note": [1, 2],
                  "id": "{{DataPack}}"
                },
                {"id": "{{new string('e', 64)}}", "blobs": []}
              ],
              "more": null
            }
            """;
        var seen = new List<(BlobId Pack, IndexBlob Blob)>();
        IndexJson.Parse(Encoding.UTF8.GetBytes(json), (p, b) => seen.Add((p, b)));
        Assert.Equal(2, seen.Count);
        Assert.Equal((DataPack, new IndexBlob(BTxt, BlobType.Data, 54, 105, 79)), seen[0]);
        Assert.Equal((DataPack, new IndexBlob(Hello, BlobType.Tree, 0, 54, 0)), seen[1]);
    }

    [Theory]
    [InlineData("""{"packs":[{"id":"ce06344900ccadb8f5eca0dcf7d686925d29f2291fa897f22ff14ee857e44815","blobs":[{"id":"fbbd69198637d5360353c39796181175de6311c2a61abe2fe6392c938018660f","type":"blob","offset":0,"length":1}]}]}""")]
    [InlineData("""{"packs":[{"id":"ce06344900ccadb8f5eca0dcf7d686925d29f2291fa897f22ff14ee857e44815","blobs":[{"id":"fbbd69198637d5360353c39796181175de6311c2a61abe2fe6392c938018660f","offset":0,"length":1}]}]}""")]
    [InlineData("""{"packs":[{"id":"ce06344900ccadb8f5eca0dcf7d686925d29f2291fa897f22ff14ee857e44815","blobs":[{"type":"data","offset":0,"length":1}]}]}""")]
    [InlineData("""{"packs":[{"blobs":[{"id":"fbbd69198637d5360353c39796181175de6311c2a61abe2fe6392c938018660f","type":"data","offset":0,"length":1}]}]}""")]
    [InlineData("""{"packs":[{"id":"ce06344900ccadb8f5eca0dcf7d686925d29f2291fa897f22ff14ee857e44815","blobs":[{"id":"fbbd69198637d5360353c39796181175de6311c2a61abe2fe6392c938018660f","type":"data","offset":-1,"length":1}]}]}""")]
    [InlineData("""{"packs":[{"id":"ce06344900ccadb8f5eca0dcf7d686925d29f2291fa897f22ff14ee857e44815","blobs":[{"id":"fbbd69198637d5360353c39796181175de6311c2a61abe2fe6392c938018660f","type":"data","offset":4294967296,"length":1}]}]}""")]
    [InlineData("""[{"id":"ce06344900ccadb8f5eca0dcf7d686925d29f2291fa897f22ff14ee857e44815","blobs":[]}]""")]
    [InlineData("""{"packs":[{"id":"ce06""")]
    public void ParseRejectsBadInput(string json) =>
        Assert.Throws<InvalidDataException>(() => IndexJson.Parse(Encoding.UTF8.GetBytes(json), (_, _) => { }));

    [Fact]
    public void LargeIndexStreams()
    {
        var blobs = new List<IndexBlob>();
        uint offset = 0;
        for (var i = 0; i < 60_000; i++)
        {
            var id = BlobId.Hash(BitConverter.GetBytes(i));
            blobs.Add(new IndexBlob(id, BlobType.Data, offset, 100, (uint)(i % 2 == 0 ? 0 : 80)));
            offset += 100;
        }
        var json = IndexJson.Serialize([new IndexPack(DataPack, blobs)]);
        var count = 0;
        IndexJson.Parse(json, (p, b) =>
        {
            Assert.Equal(DataPack, p);
            Assert.Equal(blobs[count], b);
            count++;
        });
        Assert.Equal(blobs.Count, count);
    }
}

using System.Runtime.Versioning;
using Coffre.Repository;
using static Coffre.Tests.Repository.ResticVectors;

namespace Coffre.Tests.Repository;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class UnpackedFileTests
{
    [Fact]
    public void DecodesResticSnapshotWithoutContentSize()
    {
        var plain = Master.Open(Convert.FromHexString(SnapshotHex));
        Assert.Equal(0x02, plain[0]);
        Assert.Equal(SnapshotJson, Text(UnpackedFile.Decode(plain)));
    }

    [Fact]
    public void EncodeIsMarkerPlusZstd()
    {
        var json = Utf8(SnapshotJson);
        var encoded = UnpackedFile.Encode(json);
        Assert.Equal(new byte[] { 0x02, 0x28, 0xb5, 0x2f, 0xfd }, encoded[..5]);
        Assert.Equal(json, UnpackedFile.Decode(encoded));
        Assert.Equal(Utf8("{}"), UnpackedFile.Decode(UnpackedFile.Encode(Utf8("{}"))));
    }

    [Theory]
    [InlineData("{\"a\":1}")]
    [InlineData("[1,2]")]
    public void RawJsonIsReturnedAsIs(string json)
    {
        Assert.Equal(Utf8(json), UnpackedFile.Decode(Utf8(json)));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x20, 0x7b, 0x7d })]
    [InlineData(new byte[] { 0x01, 0x7b, 0x7d })]
    [InlineData(new byte[] { 0xef, 0xbb, 0xbf, 0x7b, 0x7d })]
    [InlineData(new byte[] { 0x02, 0x7b, 0x7d })]
    [InlineData(new byte[] { 0x02 })]
    public void RejectsOtherPlaintexts(byte[] plaintext)
    {
        Assert.Throws<InvalidDataException>(() => UnpackedFile.Decode(plaintext));
    }
}

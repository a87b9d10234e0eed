using Coffre.Model;
using Coffre.Repository.Crypto;
using Coffre.Repository.Pack;

namespace Coffre.Tests.Repository.Pack;

public class PackRoundTripTests
{
    [Fact]
    public void PackHeaderDescribesEveryBlobAndBlobsDecode()
    {
        var key = CryptoKey.NewRandom();
        var staging = Directory.CreateTempSubdirectory("coffre-pack-").FullName;
        var builder = new PackBuilder(BlobType.Data, staging);
        var plains = new List<byte[]>
        {
            System.Text.Encoding.UTF8.GetBytes(new string('a', 5000)), // compressible
            RandomBytes(70_000),                                        // incompressible: stored raw
            Array.Empty<byte>(),                                        // empty blob
        };
        var entries = new List<(BlobId, uint)>();
        foreach (var p in plains)
        {
            var enc = BlobCodec.Encode(key, p, compress: true);
            var id = BlobId.Hash(p);
            builder.Add(id, enc.Buffer.AsSpan(0, enc.Length), enc.UncompressedLength);
            entries.Add((id, enc.UncompressedLength));
        }
        using var pack = builder.Finish(key);
        pack.Seal();
        var bytes = File.ReadAllBytes(pack.StagingPath);
        Assert.Equal(pack.Length, bytes.Length);
        Assert.Equal(pack.Id, BlobId.Hash(bytes));
        Assert.Equal(PackHeader.PackSize(pack.Blobs), bytes.Length);
        var header = PackHeader.ReadFromPack(bytes, pack.Id, key);
        Assert.Equal(pack.Blobs, header);
        Assert.NotEqual(0u, entries[0].Item2);
        Assert.Equal(0u, entries[1].Item2);
        for (var i = 0; i < plains.Count; i++)
        {
            var b = header[i];
            var n = BlobCodec.Decode(key, bytes.AsSpan((int)b.Offset, (int)b.Length), b, out var plain);
            Assert.Equal(plains[i], plain.AsSpan(0, n).ToArray());
            BufferPool.Instance.Return(plain);
        }
        bytes[header[1].Offset + 40] ^= 1;
        Assert.Throws<InvalidDataException>(() => BlobCodec.Decode(key, bytes.AsSpan((int)header[1].Offset, (int)header[1].Length), header[1], out _));
        Directory.Delete(staging, true);
    }

    private static byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        Random.Shared.NextBytes(b);
        return b;
    }
}

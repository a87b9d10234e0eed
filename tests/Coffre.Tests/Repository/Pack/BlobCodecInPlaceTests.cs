using Coffre.Model;
using Coffre.Repository.Crypto;
using Coffre.Repository.Pack;

namespace Coffre.Tests.Repository.Pack;

/// <summary>The hot-path codec: compress and seal in place (backup), decrypt in place (restore).</summary>
public class BlobCodecInPlaceTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(100_000, true)]
    [InlineData(3_000_000, false)]
    [InlineData(8 * 1024 * 1024, true)]
    public void EncodeThenDecodeGivesThePlaintextBack(int size, bool compressible)
    {
        var key = CryptoKey.NewRandom();
        var plain = new byte[size];
        if (compressible) for (var i = 0; i < size; i++) plain[i] = (byte)(i / 1000 % 7);
        else Random.Shared.NextBytes(plain);
        var enc = new BlobCodec.EncodeBuffers();
        var (len, ulen) = BlobCodec.Encode(key, plain, enc);
        Assert.Equal(compressible && size > 0, ulen != 0);
        var entry = new IndexBlob(BlobId.Hash(plain), BlobType.Data, 0, (uint)len, ulen);

        var dec = new BlobCodec.DecodeBuffers();
        enc.Sealed.AsSpan(0, len).CopyTo(dec.Sealed);
        Assert.Equal(plain, BlobCodec.Decode(key, dec, len, entry).ToArray());

        enc.Sealed.AsSpan(0, len).CopyTo(dec.Sealed);
        dec.Sealed[len - 1] ^= 0x40;
        Assert.Throws<InvalidDataException>(() => BlobCodec.Decode(key, dec, len, entry));
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Runtime.Versioning;
using Coffre.Chunking;

namespace Coffre.Tests.Chunking;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class ChunkerTests
{
    private static readonly Polynomial FixturePol = new(0x3f8da62e97eccb);
    private static readonly Polynomial OtherPol = new(0x3cfc63a246c287);

    private static readonly int[] FixtureSizes = [1814555, 1211510, 1779318, 1486073];
    private static readonly string[] FixtureIds =
    [
        "a33c49f1d2d0e2a0243a2b8a3ab88641c663bd4340d5e09657cd7c669eb99612",
        "1d054f31a66319d991b2373c8a0988afa582edf6809c15d408a616914aec2adf",
        "2f925c3d2b66c25e4060a71cbd411295987c9ea56a620805be34744dc66aed3b",
        "d192ff128c5d3c9abf91669e4f31b8cd8283c2b092ab482dd41b9b9322a2c47e",
    ];
    private static readonly int[] OtherSizes = [1363709, 536567, 897761, 2004594, 954551, 534274];
    private static readonly string[] OtherIdPrefixes = ["a604334076bdf126", "bd3ba0f9df6b3c04", "cf1902696394df11"];

    private static readonly Lazy<byte[]> VectorInput = new(() =>
    {
        // SHA-256(i as 8-byte little-endian) for i = 0..196607: 6 MiB
        var data = new byte[196608 * 32];
        Span<byte> counter = stackalloc byte[8];
        for (int i = 0; i < 196608; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(counter, (ulong)i);
            SHA256.HashData(counter, data.AsSpan(i * 32, 32));
        }
        return data;
    });

    internal static List<byte[]> ChunkAll(Chunker chunker, Stream source, byte[]? buffer = null)
    {
        buffer ??= new byte[Chunker.MaxSize];
        chunker.Reset(source);
        var chunks = new List<byte[]>();
        int n;
        while ((n = chunker.Next(buffer)) > 0)
            chunks.Add(buffer.AsSpan(0, n).ToArray());
        Assert.Equal(0, chunker.Next(buffer)); // stays exhausted
        return chunks;
    }

    private static List<byte[]> ChunkAll(Polynomial pol, byte[] data, int readSize = int.MaxValue) =>
        ChunkAll(new Chunker(pol), new TrickleStream(new MemoryStream(data, writable: false), readSize));

    private static string Hex(byte[] chunk) => Convert.ToHexStringLower(SHA256.HashData(chunk));

    private static void AssertConcatenation(byte[] data, List<byte[]> chunks)
    {
        Assert.Equal(data.Length, chunks.Sum(c => (long)c.Length));
        int offset = 0;
        foreach (var c in chunks)
        {
            Assert.True(data.AsSpan(offset, c.Length).SequenceEqual(c));
            offset += c.Length;
        }
        for (int i = 0; i < chunks.Count; i++)
        {
            Assert.True(chunks[i].Length <= Chunker.MaxSize);
            if (i < chunks.Count - 1) Assert.True(chunks[i].Length >= Chunker.MinSize);
        }
    }

    private static byte[] RandomData(int length, ulong seed)
    {
        var data = new byte[length];
        ulong s = seed * 0x9E3779B97F4A7C15UL + 1;
        for (int i = 0; i + 8 <= length; i += 8)
        {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(i), s);
        }
        return data;
    }

    [Fact]
    public void VectorInputIsTheFixture() =>
        Assert.Equal("ae4240603275e0d3ad01491ff959150419e617cb78eacd6866ba46cdaccd9f37",
            Convert.ToHexStringLower(SHA256.HashData(VectorInput.Value)));

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(100000)]
    [InlineData(1 << 20)]
    public void FixturePolynomialVector(int readSize)
    {
        var chunks = ChunkAll(FixturePol, VectorInput.Value, readSize);
        Assert.Equal(FixtureSizes, chunks.Select(c => c.Length));
        Assert.Equal(FixtureIds, chunks.Select(Hex));
        AssertConcatenation(VectorInput.Value, chunks);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(100000)]
    public void OtherPolynomialVector(int readSize)
    {
        var chunks = ChunkAll(OtherPol, VectorInput.Value, readSize);
        Assert.Equal(OtherSizes, chunks.Select(c => c.Length));
        Assert.Equal(OtherIdPrefixes, chunks.Take(3).Select(c => Hex(c)[..16]));
        AssertConcatenation(VectorInput.Value, chunks);
    }

    [Fact]
    public void ReferenceTranscriptionMatchesTheVectors()
    {
        Assert.Equal(FixtureSizes, ReferenceChunker.Split(VectorInput.Value, FixturePol));
        Assert.Equal(OtherSizes, ReferenceChunker.Split(VectorInput.Value, OtherPol));
    }

    [Fact]
    public void EmptyStreamHasNoChunk()
    {
        var chunker = new Chunker(FixturePol);
        chunker.Reset(new MemoryStream());
        var buffer = new byte[Chunker.MaxSize];
        Assert.Equal(0, chunker.Next(buffer));
        Assert.Equal(0, chunker.Next(buffer));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(Chunker.MinSize - 1)]
    [InlineData(Chunker.MinSize)]
    public void SmallStreamIsOneChunk(int length)
    {
        var data = RandomData(length, 7);
        var chunks = ChunkAll(FixturePol, data);
        Assert.Single(chunks);
        Assert.Equal(data, chunks[0]);
    }

    [Fact]
    public void ZerosCutAtMinSize()
    {
        // The fingerprint of 64 zero bytes is 0, so a run of zeros is cut as early as allowed (restic: 512 KiB blobs).
        var data = new byte[20 * 1024 * 1024];
        var chunks = ChunkAll(FixturePol, data);
        Assert.Equal(40, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(Chunker.MinSize, c.Length));
        AssertConcatenation(data, chunks);
    }

    [Fact]
    public void ConstantNonZeroBytesCutAtMaxSize()
    {
        var data = new byte[20 * 1024 * 1024];
        Array.Fill(data, (byte)0xff);
        var chunks = ChunkAll(FixturePol, data);
        Assert.Equal([Chunker.MaxSize, Chunker.MaxSize, 4 * 1024 * 1024], chunks.Select(c => c.Length));
        Assert.Equal(ReferenceChunker.Split(data, FixturePol), chunks.Select(c => c.Length));
        AssertConcatenation(data, chunks);
    }

    [Theory]
    [InlineData(1UL, 0x3f8da62e97eccbUL)]
    [InlineData(2UL, 0x3cfc63a246c287UL)]
    [InlineData(3UL, 0x3DA3358B4DC173UL)]
    [InlineData(4UL, 0x2482734cacca49UL)]
    public void MatchesReferenceOnRandomData(ulong seed, ulong pol)
    {
        var data = RandomData(40 * 1024 * 1024 + 12345, seed);
        var chunks = ChunkAll(new Polynomial(pol), data);
        Assert.Equal(ReferenceChunker.Split(data, new Polynomial(pol)), chunks.Select(c => c.Length));
        AssertConcatenation(data, chunks);
    }

    [Fact]
    public void MatchesReferenceWithRandomPolynomialAndMixedData()
    {
        var pol = Polynomial.Random();
        // random stretches, zero runs, constant runs and short periodic patterns
        var data = RandomData(24 * 1024 * 1024, 99);
        data.AsSpan(3_000_000, 1_500_000).Clear();
        data.AsSpan(9_000_000, 9_000_000).Fill(0x5a);
        for (int i = 19_000_000; i < 21_000_000; i++) data[i] = (byte)(i % 7);
        var chunks = ChunkAll(pol, data, 65536);
        Assert.Equal(ReferenceChunker.Split(data, pol), chunks.Select(c => c.Length));
        AssertConcatenation(data, chunks);
    }

    public static TheoryData<int, int, int> PlacedCuts()
    {
        // Cut positions around the implementation's internal boundaries (4 KiB lanes, 16 KiB blocks, 512 KiB reads,
        // MaxSize), followed by various amounts of trailing data, read in various granularities.
        int[] cuts =
        [
            Chunker.MinSize, Chunker.MinSize + 1, Chunker.MinSize + 63, Chunker.MinSize + 64,
            Chunker.MinSize + 4095, Chunker.MinSize + 4096, Chunker.MinSize + 8191, Chunker.MinSize + 12288,
            Chunker.MinSize + 16383, Chunker.MinSize + 16384, Chunker.MinSize + 16385, Chunker.MinSize + 3 * 16384 + 100,
            2 * Chunker.MinSize - 1, 2 * Chunker.MinSize, 2 * Chunker.MinSize + 1, 3 * Chunker.MinSize + 12345,
            Chunker.MaxSize - 16385, Chunker.MaxSize - 2, Chunker.MaxSize - 1, Chunker.MaxSize,
        ];
        int[] trailing = [0, 1, 5000, 3 * 1024 * 1024];
        int[] reads = [int.MaxValue, 100000, 4096];
        var data = new TheoryData<int, int, int>();
        int k = 0;
        foreach (int cut in cuts)
            foreach (int tail in trailing)
                data.Add(cut, tail, reads[k++ % reads.Length]);
        return data;
    }

    [Theory]
    [MemberData(nameof(PlacedCuts))]
    public void PlacedCutsAreFound(int cut, int trailing, int readSize)
    {
        // Constant 0xff bytes never split; 64 zero bytes ending at `cut` force a split exactly there.
        var data = new byte[cut + trailing];
        Array.Fill(data, (byte)0xff);
        data.AsSpan(cut - 64, 64).Clear();
        var chunks = ChunkAll(FixturePol, data, readSize);
        Assert.Equal(cut, chunks[0].Length);
        Assert.Equal(ReferenceChunker.Split(data, FixturePol), chunks.Select(c => c.Length));
        AssertConcatenation(data, chunks);
    }

    [Theory]
    // Two split points in one 16 KiB scan block (which starts at MinSize - 1 + 16384 k), the earlier one in a
    // lower lane but at a later step than the other: the earlier position must win.
    [InlineData(0, 4000, 4096 + 10)]
    [InlineData(0, 4095, 3 * 4096)]
    [InlineData(0, 4096 + 4000, 2 * 4096 + 5)]
    [InlineData(3, 2 * 4096 + 4095, 3 * 4096)]
    [InlineData(5, 100, 2 * 4096 + 100)]
    [InlineData(7, 1, 3 * 4096 + 4095)]
    public void EarlierSplitInLowerLaneWins(int block, int first, int second)
    {
        int blockStart = Chunker.MinSize - 1 + 16384 * block;
        var data = new byte[blockStart + 16384 + 100000];
        Array.Fill(data, (byte)0xff);
        // a split at position p means 64 zero bytes ending at p
        data.AsSpan(blockStart + first - 63, 64).Clear();
        data.AsSpan(blockStart + second - 63, 64).Clear();
        var chunks = ChunkAll(FixturePol, data);
        Assert.Equal(blockStart + first + 1, chunks[0].Length);
        Assert.Equal(ReferenceChunker.Split(data, FixturePol), chunks.Select(c => c.Length));
        AssertConcatenation(data, chunks);
    }

    [Fact]
    public void LowDegreePolynomialMatchesReference()
    {
        // restic only uses degree 53, but the tables work for any degree from 8 up
        var pol = new Polynomial(0x11b);
        var data = RandomData(6 * 1024 * 1024, 5);
        var chunks = ChunkAll(pol, data);
        Assert.Equal(ReferenceChunker.Split(data, pol), chunks.Select(c => c.Length));
        AssertConcatenation(data, chunks);
    }

    [Fact]
    public void ReuseGivesTheSameAsFreshInstances()
    {
        var a = RandomData(13 * 1024 * 1024, 11);
        var b = VectorInput.Value;
        var chunker = new Chunker(FixturePol);
        var buffer = new byte[Chunker.MaxSize + 4096]; // larger buffers are fine

        // abandon a stream mid-way (leaving carried bytes behind), then chunk others with the same instance
        chunker.Reset(new MemoryStream(a));
        Assert.True(chunker.Next(buffer) > 0);

        var reusedA = ChunkAll(chunker, new MemoryStream(a), buffer);
        var reusedB = ChunkAll(chunker, new MemoryStream(b), buffer);
        var freshA = ChunkAll(new Chunker(FixturePol), new MemoryStream(a));
        var freshB = ChunkAll(new Chunker(FixturePol), new MemoryStream(b));
        Assert.Equal(freshA.Select(Hex), reusedA.Select(Hex));
        Assert.Equal(freshB.Select(Hex), reusedB.Select(Hex));
        Assert.Equal(FixtureIds, reusedB.Select(Hex));
    }

    [Fact]
    public void InstancesWithDifferentPolynomialsAreIndependent()
    {
        var fixture = new Chunker(FixturePol);
        var other = new Chunker(OtherPol);
        Assert.Equal(OtherSizes, ChunkAll(other, new MemoryStream(VectorInput.Value)).Select(c => c.Length));
        Assert.Equal(FixtureSizes, ChunkAll(fixture, new MemoryStream(VectorInput.Value)).Select(c => c.Length));
    }

    [Fact]
    public void ArgumentChecks()
    {
        var chunker = new Chunker(FixturePol);
        Assert.Throws<InvalidOperationException>(() => chunker.Next(new byte[Chunker.MaxSize]));
        chunker.Reset(new MemoryStream(new byte[10]));
        Assert.Throws<ArgumentException>(() => chunker.Next(new byte[Chunker.MaxSize - 1]));
        Assert.Throws<ArgumentNullException>(() => chunker.Reset(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Chunker(new Polynomial(0x7)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Chunker(new Polynomial(1UL << 54 | 1)));
        Assert.Equal(FixturePol, chunker.Polynomial);
    }
}

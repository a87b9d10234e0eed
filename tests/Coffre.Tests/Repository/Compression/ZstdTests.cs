using System.Runtime.Versioning;
using System.Text;
using Coffre.Repository.Compression;
using static Coffre.Tests.Repository.ResticVectors;

namespace Coffre.Tests.Repository.Compression;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class ZstdTests
{
    private static byte[] RoundTrip(byte[] data)
    {
        var compressed = new byte[Zstd.CompressBound(data.Length)];
        int n = Zstd.Compress(data, compressed);
        var frame = compressed[..n];
        Assert.Equal(new byte[] { 0x28, 0xb5, 0x2f, 0xfd }, frame[..4]);
        Assert.Equal(0, frame[4] & 0x04); // Content_Checksum_flag off, like restic

        var output = new byte[data.Length];
        Assert.Equal(data.Length, Zstd.Decompress(frame, output));
        Assert.Equal(data, output);
        Assert.Equal(data, Zstd.DecompressUnknownSize(frame));
        return frame;
    }

    [Fact]
    public void EmptyRoundTrip() => RoundTrip([]);

    [Fact]
    public void SmallRoundTrip() => RoundTrip(Encoding.UTF8.GetBytes("hello restic\n"));

    [Fact]
    public void RandomEightMiBRoundTrip()
    {
        var data = new byte[8 * 1024 * 1024];
        new Random(42).NextBytes(data);
        var frame = RoundTrip(data);
        Assert.True(frame.Length <= Zstd.CompressBound(data.Length));
    }

    [Fact]
    public void CompressibleEightMiBRoundTrip()
    {
        var line = Encoding.UTF8.GetBytes("2026-11-21T10:42:41Z INFO backup of /srv/data progressed to 12345 files\n");
        var data = new byte[8 * 1024 * 1024];
        for (int i = 0; i < data.Length; i++) data[i] = line[i % line.Length];
        var frame = RoundTrip(data);
        Assert.True(frame.Length < data.Length / 100);
    }

    [Fact]
    public void DecodesResticFrameWithoutContentSize()
    {
        var frame = Convert.FromHexString(HelloFrameHex);
        var output = new byte[13];
        Assert.Equal(13, Zstd.Decompress(frame, output));
        Assert.Equal(Hello, Text(output));
        Assert.Equal(Hello, Text(Zstd.DecompressUnknownSize(frame)));
    }

    [Fact]
    public void UnknownSizeGrowsPastItsFirstGuess()
    {
        // Streaming decode ignores any recorded content size: 3 MiB from a tiny frame forces several buffer growths.
        var data = new byte[3 * 1024 * 1024 + 7];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i % 251 < 200 ? 'a' : i);
        var compressed = new byte[Zstd.CompressBound(data.Length)];
        var frame = compressed[..Zstd.Compress(data, compressed)];
        Assert.Equal(data, Zstd.DecompressUnknownSize(frame));
        Assert.Throws<InvalidDataException>(() => Zstd.DecompressUnknownSize(frame, maxLength: data.Length - 1));
        Assert.Equal(data, Zstd.DecompressUnknownSize(frame, maxLength: data.Length));
    }

    [Fact]
    public void ConcatenatedFramesDecodeInStreamingMode()
    {
        var frame = Convert.FromHexString(HelloFrameHex);
        Assert.Equal(Hello + Hello, Text(Zstd.DecompressUnknownSize([.. frame, .. frame])));
    }

    [Fact]
    public void CorruptOrTruncatedInputThrows()
    {
        var frame = Convert.FromHexString(HelloFrameHex);
        Assert.Throws<InvalidDataException>(() => Zstd.Decompress(frame[..^3], new byte[13]));
        Assert.Throws<InvalidDataException>(() => Zstd.DecompressUnknownSize(frame[..^3]));
        Assert.Throws<InvalidDataException>(() => Zstd.DecompressUnknownSize(frame[..5]));
        Assert.Throws<InvalidDataException>(() => Zstd.Decompress([1, 2, 3, 4, 5, 6], new byte[13]));
        Assert.Throws<InvalidDataException>(() => Zstd.DecompressUnknownSize([1, 2, 3, 4, 5, 6]));
        Assert.Throws<InvalidDataException>(() => Zstd.Decompress([], new byte[13]));
        Assert.Throws<InvalidDataException>(() => Zstd.DecompressUnknownSize([]));
        Assert.Throws<InvalidDataException>(() => Zstd.Decompress(frame, new byte[12])); // destination too small
        // A failed stream must not poison the next call on this thread.
        Assert.Equal(Hello, Text(Zstd.DecompressUnknownSize(frame)));
    }

    [Fact]
    public void CompressIntoTooSmallDestinationThrows()
    {
        var data = new byte[1000];
        new Random(1).NextBytes(data);
        Assert.Throws<ArgumentException>(() => Zstd.Compress(data, new byte[100]));
    }

    [Fact]
    public void ConcurrentRoundTrips()
    {
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var data = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"item {i};", 1000 + i * 37)));
            var compressed = new byte[Zstd.CompressBound(data.Length)];
            var frame = compressed[..Zstd.Compress(data, compressed, level: 1 + i % 5)];
            Assert.Equal(data, Zstd.DecompressUnknownSize(frame));
        });
    }

    [ProgramFact("/usr/bin/zstd", "apt-get install zstd")]
    public void MatchesSystemZstdTool()
    {
        var data = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("coffre zstd interop\n", 5000)));
        var compressed = new byte[Zstd.CompressBound(data.Length)];
        var frame = compressed[..Zstd.Compress(data, compressed)];
        var dir = Directory.CreateTempSubdirectory("coffre-zstd-");
        try
        {
            var path = Path.Combine(dir.FullName, "x.zst");
            File.WriteAllBytes(path, frame);
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/zstd", ["-d", "-q", "-c", path])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            using var ms = new MemoryStream();
            p.StandardOutput.BaseStream.CopyTo(ms);
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            Assert.Equal(data, ms.ToArray());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void CompressionsOnManyThreadsAtOnceGiveTheSameFrames()
    {
        // Compression contexts are shared through a pool: concurrent calls must never share one.
        var inputs = Enumerable.Range(0, 16).Select(i => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"row {i} of the table; ", 20_000 + i * 500)))).ToArray();
        var expected = inputs.Select(Compress).ToArray();
        for (var round = 0; round < 4; round++)
        {
            var actual = new byte[inputs.Length][];
            Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = Compress(inputs[i]));
            for (var i = 0; i < inputs.Length; i++) Assert.Equal(expected[i], actual[i]);
        }

        static byte[] Compress(byte[] data)
        {
            var buffer = new byte[Zstd.CompressBound(data.Length)];
            return buffer[..Zstd.Compress(data, buffer)];
        }
    }
}

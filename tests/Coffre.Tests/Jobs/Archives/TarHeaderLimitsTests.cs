using System.Formats.Tar;
using System.Globalization;
using System.Text;
using Coffre.Archives;

namespace Coffre.Tests.Jobs.Archives;

/// <summary>The tar header follower that refuses oversized PAX headers and long names before .NET's reader allocates them.</summary>
public class TarHeaderLimitsTests
{
    private static byte[] Header(char type, long size, string name = "entry")
    {
        var h = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(h, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(h, 100);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(h, 124);
        h[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\000").CopyTo(h, 257);
        return h;
    }

    private static byte[] Pax(params string[] records)
    {
        var body = new StringBuilder();
        foreach (var kv in records)
        {
            // "LEN key=value\n", LEN counting itself.
            var len = kv.Length + 3;
            while ((len.ToString(CultureInfo.InvariantCulture).Length + kv.Length + 2) != len) len++;
            body.Append(CultureInfo.InvariantCulture, $"{len} {kv}\n");
        }
        return Encoding.UTF8.GetBytes(body.ToString());
    }

    private static byte[] Padded(byte[] data) => [.. data, .. new byte[(512 - data.Length % 512) % 512]];

    private static void FeedInChunks(byte[] stream, int chunk)
    {
        var limits = new TarHeaderLimits();
        for (var i = 0; i < stream.Length; i += chunk) limits.Feed(stream.AsSpan(i, Math.Min(chunk, stream.Length - i)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(512)]
    [InlineData(65536)]
    public void Real_archives_pass_whatever_the_read_sizes(int chunk)
    {
        foreach (var format in new[] { TarEntryFormat.Pax, TarEntryFormat.Gnu, TarEntryFormat.Ustar })
        {
            using var ms = new MemoryStream();
            using (var tar = new TarWriter(ms, format, leaveOpen: true))
            {
                var longName = format == TarEntryFormat.Ustar ? "short.txt" : new string('n', 300) + ".txt";
                for (var i = 0; i < 5; i++)
                {
                    TarEntry file = format switch
                    {
                        TarEntryFormat.Pax => new PaxTarEntry(TarEntryType.RegularFile, $"{i}{longName}"),
                        TarEntryFormat.Gnu => new GnuTarEntry(TarEntryType.RegularFile, $"{i}{longName}"),
                        _ => new UstarTarEntry(TarEntryType.RegularFile, $"{i}{longName}"),
                    };
                    file.DataStream = new MemoryStream(new byte[1000 * i + 1]);
                    tar.WriteEntry(file);
                }
            }
            FeedInChunks(ms.ToArray(), chunk);
        }
    }

    [Theory]
    [InlineData('x', TarHeaderLimits.MaxPaxHeader + 1L, "a PAX extended header of 1048577 bytes")]
    [InlineData('g', 8L << 30, "a PAX extended header of 8589934592 bytes")]
    [InlineData('L', TarHeaderLimits.MaxLongName + 1L, "a GNU long name of 65537 bytes")]
    [InlineData('K', 1L << 33, "a GNU long name of 8589934592 bytes")]
    public void An_oversized_metadata_header_is_refused_as_soon_as_it_is_complete(char type, long size, string message)
    {
        var limits = new TarHeaderLimits();
        var header = Header(type, size);
        limits.Feed(header.AsSpan(0, 511)); // not yet: the header is incomplete
        var e = Assert.Throws<InvalidDataException>(() => limits.Feed(header.AsSpan(511)));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PAX_size_record_moves_the_next_header_as_the_tar_reader_does()
    {
        // A PAX header says the next file holds 1024 bytes (its ustar size field says 0). Those 1024 bytes look like a
        // huge PAX header: skipped as data. The real next header is one: refused.
        var pax = Pax("path=file", "size=1024");
        byte[] stream = [.. Header('x', pax.Length), .. Padded(pax), .. Header('0', 0, "file"),
            .. Header('x', 5L << 30), .. new byte[512], .. Header('x', 5L << 30, "real")];
        var limits = new TarHeaderLimits();
        var e = Assert.Throws<InvalidDataException>(() => limits.Feed(stream));
        Assert.StartsWith("a PAX extended header of 5368709120 bytes", e.Message, StringComparison.Ordinal);
        limits = new TarHeaderLimits();
        limits.Feed(stream.AsSpan(0, stream.Length - 512)); // everything up to the real header passes
    }

    [Fact]
    public void A_path_record_cannot_smuggle_a_size_record()
    {
        // "size=" inside another record's value is not a record: only length-prefixed records count.
        var pax = Pax("path=a\n9 size=0\n", "mtime=1");
        byte[] stream = [.. Header('x', pax.Length), .. Padded(pax), .. Header('0', 512, "file"), .. Header('x', 5L << 30, "data")];
        new TarHeaderLimits().Feed(stream); // the 512 bytes of data are data
    }

    [Fact]
    public void Sparse_and_malformed_headers_are_refused()
    {
        Assert.Contains("GNU sparse", Assert.Throws<InvalidDataException>(() => new TarHeaderLimits().Feed(Header('S', 10))).Message, StringComparison.Ordinal);
        var bad = Header('0', 0);
        Encoding.ASCII.GetBytes("00000000x9\0").CopyTo(bad, 124);
        Assert.Throws<InvalidDataException>(() => new TarHeaderLimits().Feed(bad));
    }
}

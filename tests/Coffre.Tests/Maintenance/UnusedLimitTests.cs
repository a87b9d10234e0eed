using System.Runtime.Versioning;
using Coffre.Maintenance;
using Coffre.Maintenance.Prune;

namespace Coffre.Tests.Maintenance;

[SupportedOSPlatform("linux")]
public class UnusedLimitTests
{
    [Theory]
    [InlineData("5%", 950, 50)]
    [InlineData("0%", 1000, 0)]
    [InlineData("50%", 1000, 1000)]
    [InlineData("100k", 5, 102400)]
    [InlineData("2M", 5, 2097152)]
    [InlineData("unlimited", 5, long.MaxValue)]
    public void Parses_like_restic(string text, long used, long allowed) =>
        Assert.Equal(allowed, UnusedLimit.Parse(text)!.AllowedFor(used));

    [Theory]
    [InlineData("100%")]
    [InlineData("-1%")]
    [InlineData("lots")]
    [InlineData("")]
    [InlineData("5x")]
    public void Rejects_what_is_not_a_limit(string text) => Assert.Null(UnusedLimit.Parse(text));

    [Theory]
    [InlineData("4096", 4096L)]
    [InlineData("1k", 1024L)]
    [InlineData("1K", 1024L)]
    [InlineData("500M", 500L << 20)]
    [InlineData("2g", 2L << 30)]
    [InlineData("1T", 1L << 40)]
    [InlineData("3MiB", 3L << 20)]
    [InlineData("3MB", 3L << 20)]
    [InlineData("0", 0L)]
    public void Sizes_parse_in_powers_of_1024(string text, long bytes) => Assert.Equal(bytes, ByteSize.Parse(text));

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5M")]
    [InlineData("1x")]
    [InlineData("M")]
    [InlineData("99999999999999999999")]
    [InlineData("9999999999T")]
    public void Bad_sizes_are_rejected(string text) => Assert.Null(ByteSize.Parse(text));

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.50 KiB")]
    [InlineData(10485760, "10.00 MiB")]
    public void Sizes_format_for_people(long bytes, string text) => Assert.Equal(text, ByteSize.Format(bytes));
}

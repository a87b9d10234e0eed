using Coffre.Archives;
using Coffre.Model;

namespace Coffre.Tests.Jobs.Archives;

/// <summary>PAX time records: seconds, a dot and nanoseconds; negative before 1970.</summary>
public class TarNodesTests
{
    [Theory]
    [InlineData(1_700_000_000L, 123_456_789, "1700000000.123456789")]
    [InlineData(0L, 0, "0.000000000")]
    [InlineData(-2L, 500_000_000, "-1.500000000")]
    [InlineData(-3L, 0, "-3.000000000")]
    public void Pax_times_round_trip(long seconds, int nanoseconds, string text)
    {
        var t = new GoTime(seconds, nanoseconds, 0);
        Assert.Equal(text, TarNodes.FormatPaxTime(t));
        Assert.True(TarNodes.TryParsePaxTime(text, out var back));
        Assert.Equal((seconds, nanoseconds), (back.UnixSeconds, back.Nanoseconds));
    }

    [Fact]
    public void Short_fractions_and_garbage()
    {
        Assert.True(TarNodes.TryParsePaxTime("1700000000.5", out var t));
        Assert.Equal(500_000_000, t.Nanoseconds);
        Assert.True(TarNodes.TryParsePaxTime("1700000000", out t));
        Assert.Equal((1_700_000_000L, 0), (t.UnixSeconds, t.Nanoseconds));
        Assert.False(TarNodes.TryParsePaxTime("", out _));
        Assert.False(TarNodes.TryParsePaxTime("12a.5", out _));
        Assert.False(TarNodes.TryParsePaxTime("1.5x", out _));
    }
}

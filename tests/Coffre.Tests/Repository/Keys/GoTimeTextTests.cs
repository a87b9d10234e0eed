using System.Runtime.Versioning;
using System.Text;
using Coffre.Repository.Keys;

namespace Coffre.Tests.Repository.Keys;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class GoTimeTextTests
{
    [Theory]
    [InlineData("2026-11-21T10:42:41.262756146Z")]
    [InlineData("2026-11-21T10:42:38.83906722Z")]
    [InlineData("2026-11-21T10:42:38Z")]
    [InlineData("2026-11-21T10:42:38.1Z")]
    [InlineData("2026-11-21T10:42:38.000000001Z")]
    [InlineData("2024-01-02T03:04:05.123456789+05:30")]
    [InlineData("2024-01-02T03:04:05.5-07:00")]
    [InlineData("0001-01-01T00:00:00Z")]
    public void RoundTrips(string text)
    {
        Assert.True(GoTimeText.TryParse(text, out var t, out int sub));
        var sb = new StringBuilder();
        GoTimeText.Append(sb, t, sub);
        Assert.Equal(text, sb.ToString());
    }

    [Fact]
    public void ExtraFractionDigitsAreTruncatedLikeGo()
    {
        Assert.True(GoTimeText.TryParse("2026-11-21T10:42:41.1234567891Z", out var t, out int sub));
        Assert.Equal(89, sub);
        Assert.Equal(1234567, t.Ticks % TimeSpan.TicksPerSecond);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-11-21 10:42:41Z")]
    [InlineData("2026-11-21T10:42:41")]
    [InlineData("2026-11-21T10:42:41.Z")]
    [InlineData("2026-13-21T10:42:41Z")]
    [InlineData("2026-11-21T10:42:41+0100")]
    [InlineData("2026-11-21T10:42:41Zjunk")]
    public void RejectsNonRfc3339(string text)
    {
        Assert.False(GoTimeText.TryParse(text, out _, out _));
    }
}

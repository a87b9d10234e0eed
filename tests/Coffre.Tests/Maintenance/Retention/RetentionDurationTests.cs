using Coffre.Maintenance.Retention;

namespace Coffre.Tests.Maintenance.Retention;

public class RetentionDurationTests
{
    [Theory]
    [InlineData("1y2m3d4h", 1, 2, 3, 4, "1y2m3d4h")]
    [InlineData("30d", 0, 0, 30, 0, "30d")]
    [InlineData("4h1y", 1, 0, 0, 4, "1y4h")]
    [InlineData("0d", 0, 0, 0, 0, "")]
    [InlineData("12m", 0, 12, 0, 0, "12m")]
    public void Parses_restic_durations(string text, int y, int m, int d, int h, string canonical)
    {
        var duration = RetentionDuration.Parse(text);
        Assert.Equal(new RetentionDuration(y, m, d, h), duration);
        Assert.Equal(canonical, duration.ToString());
        Assert.Equal(canonical.Length == 0, duration.IsZero);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("2w", "unknown unit 'w'")]
    [InlineData("d", "a number is expected")]
    [InlineData("5", "no unit after 5")]
    [InlineData("-1d", "a number is expected")]
    [InlineData("1d2d", "given twice")]
    [InlineData("99999999999d", "too large")]
    [InlineData("1 d", "unknown unit ' '")]
    public void Refuses_what_is_not_a_duration(string text, string why)
    {
        var e = Assert.Throws<CoffreException>(() => RetentionDuration.Parse(text));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Contains("1y2m3d4h", e.Message, StringComparison.Ordinal);
    }
}

using System.Runtime.Versioning;
using Coffre.Model;

namespace Coffre.Tests.Model;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class GoTimeTests
{
    [Theory]
    [InlineData("2026-11-21T10:42:38.83906722Z")]
    [InlineData("2024-01-02T03:04:05.123456789Z")]
    [InlineData("2026-11-21T10:42:42.505011896Z")]
    [InlineData("2020-02-29T23:59:59Z")]
    [InlineData("2020-02-29T23:59:59.1+05:30")]
    [InlineData("1969-12-31T23:59:59.999999999-08:00")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59.999999999Z")]
    [InlineData("1900-03-01T00:00:00.000000001+14:00")]
    [InlineData("2000-06-15T12:00:00-00:30")]
    public void ParseFormatRoundTrip(string s) => Assert.Equal(s, GoTime.Parse(s).ToRfc3339Nano());

    [Fact]
    public void ObservedCtime()
    {
        var t = GoTime.Parse("2026-11-21T10:42:38.83906722Z");
        Assert.Equal(839067220, t.Nanoseconds);
        Assert.Equal(0, t.OffsetSeconds);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 42, 38, TimeSpan.Zero).ToUnixTimeSeconds(), t.UnixSeconds);
        Assert.Equal("2026-11-21T10:42:38.83906722Z", t.ToString());
    }

    [Fact]
    public void Zero()
    {
        Assert.Equal("0001-01-01T00:00:00Z", GoTime.Zero.ToRfc3339Nano());
        Assert.Equal(GoTime.Zero, GoTime.Parse("0001-01-01T00:00:00Z"));
        Assert.True(GoTime.Zero.IsZero);
        Assert.Equal(DateTimeOffset.MinValue, GoTime.Zero.ToDateTimeOffset());
        Assert.Equal(GoTime.Zero, GoTime.FromDateTimeOffset(DateTimeOffset.MinValue));
    }

    [Fact]
    public void OffsetsAreKept()
    {
        var t = GoTime.Parse("2026-11-21T11:42:38.5+01:00");
        Assert.Equal(3600, t.OffsetSeconds);
        var utc = GoTime.Parse("2026-11-21T10:42:38.5Z");
        Assert.Equal(utc.UnixSeconds, t.UnixSeconds);
        Assert.Equal(utc.Nanoseconds, t.Nanoseconds);
        Assert.Equal("2026-11-21T05:12:38.5-05:30", (t with { OffsetSeconds = -19800 }).ToRfc3339Nano());
        // "+00:00" is offset 0 and is written back as "Z", as Go does.
        Assert.Equal("2026-11-21T10:42:38Z", GoTime.Parse("2026-11-21T10:42:38+00:00").ToRfc3339Nano());
        // Go shows only hours and minutes of an offset.
        Assert.Equal("1970-01-01T00:00:45+00:00", new GoTime(0, 0, 45).ToRfc3339Nano());
    }

    [Fact]
    public void FractionsAreTrimmedAndAnyLengthParsed()
    {
        Assert.Equal("2020-01-01T00:00:00.1Z", new GoTime(1577836800, 100_000_000, 0).ToRfc3339Nano());
        Assert.Equal("2020-01-01T00:00:00.000000001Z", new GoTime(1577836800, 1, 0).ToRfc3339Nano());
        Assert.Equal(123456789, GoTime.Parse("2020-01-01T00:00:00.123456789999Z").Nanoseconds);
        Assert.Equal(500_000_000, GoTime.Parse("2020-01-01T00:00:00.5Z").Nanoseconds);
        Assert.Equal(0, GoTime.Parse("2020-01-01T00:00:00.000Z").Nanoseconds);
    }

    [Fact]
    public void YearsAreClampedLikeResticFixTime()
    {
        const long Day = 86400;
        // 9999-06-15 + 731 days = 10001-06-15 -> shown as 9999-06-15.
        var t = GoTime.Parse("9999-06-15T12:00:00Z");
        Assert.Equal("9999-06-15T12:00:00Z", (t with { UnixSeconds = t.UnixSeconds + 731 * Day }).ToRfc3339Nano());
        // 0000-06-15 - 731 days = -0002-06-15 -> shown as 0000-06-15.
        t = GoTime.Parse("0000-06-15T12:00:00.5Z");
        Assert.Equal("0000-06-15T12:00:00.5Z", (t with { UnixSeconds = t.UnixSeconds - 731 * Day }).ToRfc3339Nano());
        // 2024-02-29 + 8000 years (20 Gregorian cycles) = 10024-02-29; 9999 is no leap year, so Go's AddDate gives Mar 1.
        t = GoTime.Parse("2024-02-29T12:00:00Z");
        Assert.Equal("9999-03-01T12:00:00Z", (t with { UnixSeconds = t.UnixSeconds + 20 * 146097 * Day }).ToRfc3339Nano());
        // -0004-02-29 -> year 0 is a leap year, the date stays.
        t = GoTime.Parse("0000-02-29T12:00:00Z");
        Assert.Equal("0000-02-29T12:00:00Z", (t with { UnixSeconds = t.UnixSeconds - 1461 * Day }).ToRfc3339Nano());
        // The offset decides the year, as in Go (FixTime looks at the local year).
        Assert.Equal("9999-12-31T23:59:59+01:00", GoTime.Parse("9999-12-31T23:59:59+01:00").ToRfc3339Nano());
        Assert.StartsWith("0000-", new GoTime(long.MinValue, 0, -3600).ToRfc3339Nano(), StringComparison.Ordinal);
        Assert.StartsWith("9999-", new GoTime(long.MaxValue, 999_999_999, 3600).ToRfc3339Nano(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromUnixNormalisesNanoseconds()
    {
        Assert.Equal(new GoTime(11, 500, 60), GoTime.FromUnix(10, 1_000_000_500, 60));
        Assert.Equal(new GoTime(9, 999_999_999, 0), GoTime.FromUnix(10, -1, 0));
        Assert.Equal(new GoTime(7, 0, 0), GoTime.FromUnix(10, -3_000_000_000, 0));
    }

    [Fact]
    public void DateTimeOffsetConversions()
    {
        var dto = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(1234567);
        var t = GoTime.FromDateTimeOffset(dto);
        Assert.Equal(123456700, t.Nanoseconds);
        Assert.Equal(7200, t.OffsetSeconds);
        Assert.Equal("2024-01-02T03:04:05.1234567+02:00", t.ToRfc3339Nano());
        Assert.Equal(dto, t.ToDateTimeOffset());
        Assert.Equal(dto.Offset, t.ToDateTimeOffset().Offset);

        var before1970 = new DateTimeOffset(1960, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1);
        Assert.Equal(before1970, GoTime.FromDateTimeOffset(before1970).ToDateTimeOffset());
        Assert.Equal(100, GoTime.FromDateTimeOffset(before1970).Nanoseconds);

        // Nanoseconds below 100 ns are truncated.
        Assert.Equal(GoTime.Parse("2024-01-02T03:04:05.1234567Z").ToDateTimeOffset(), GoTime.Parse("2024-01-02T03:04:05.123456789Z").ToDateTimeOffset());
        Assert.Equal(DateTimeOffset.MaxValue, GoTime.Parse("9999-12-31T23:59:59Z").ToDateTimeOffset().AddTicks(TimeSpan.TicksPerSecond - 1));
    }

    [Fact]
    public void LocalOffsetAndNow()
    {
        var now = DateTimeOffset.Now;
        Assert.Equal((int)now.Offset.TotalSeconds, GoTime.LocalOffsetSeconds(now.ToUnixTimeSeconds()));
        var gNow = GoTime.Now();
        Assert.InRange(gNow.UnixSeconds, now.ToUnixTimeSeconds() - 5, now.ToUnixTimeSeconds() + 5);
        _ = GoTime.LocalOffsetSeconds(long.MaxValue);
        _ = GoTime.LocalOffsetSeconds(long.MinValue);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2020-01-01")]
    [InlineData("2020-01-01T00:00:00")]
    [InlineData("2020-13-01T00:00:00Z")]
    [InlineData("2021-02-29T00:00:00Z")]
    [InlineData("2020-01-01T24:00:00Z")]
    [InlineData("2020-01-01T00:00:60Z")]
    [InlineData("2020-01-01T00:00:00.Z")]
    [InlineData("2020-01-01T00:00:00+0100")]
    [InlineData("2020-01-01T00:00:00+24:00")]
    [InlineData("2020-01-01T00:00:00Zjunk")]
    [InlineData("10000-01-01T00:00:00Z")]
    public void RejectsInvalid(string s)
    {
        Assert.False(GoTime.TryParse(s, out _));
        Assert.Throws<FormatException>(() => GoTime.Parse(s));
    }
}

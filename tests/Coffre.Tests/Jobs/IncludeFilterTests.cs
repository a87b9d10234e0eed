using Coffre.Jobs;
using Coffre.Restore;
using Coffre.Application;

namespace Coffre.Tests.Jobs;

public class IncludeFilterTests
{
    [Theory]
    [InlineData("/media", true, false)]
    [InlineData("/media/uploads", true, false)]
    [InlineData("/media/uploads/2024", true, true)]
    [InlineData("/media/uploads/2024/a.jpg", true, true)]
    [InlineData("/media/uploads/2023", false, false)]
    [InlineData("/media/uploads/20245", false, false)]
    [InlineData("/database", false, false)]
    public void An_include_selects_its_subtree_whole_and_its_ancestors_as_a_way_through(string path, bool wanted, bool whole)
    {
        var filter = new IncludeFilter(["media/uploads/2024/"]);
        Assert.Equal((wanted, whole), filter.Selects(path));
    }

    [Fact]
    public void No_include_selects_everything_and_a_later_include_can_make_a_path_whole()
    {
        Assert.Equal((true, true), new IncludeFilter([]).Selects("/anything"));
        Assert.Equal((true, true), new IncludeFilter(["/media/uploads/2024", "/media"]).Selects("/media/uploads"));
    }

    [Fact]
    public void Stamps_are_local_time_to_the_second()
    {
        var t = new DateTimeOffset(2026, 1, 29, 9, 38, 29, 420, TimeSpan.Zero);
        Assert.Equal(t.ToLocalTime().ToString("yyyyMMdd_HHmmss", System.Globalization.CultureInfo.InvariantCulture), BackupStamp.Format(t));
        Assert.True(BackupStamp.IsStamp("20260129_093829"));
        Assert.False(BackupStamp.IsStamp("2026012_093829"));
        Assert.False(BackupStamp.IsStamp("latest"));
    }
}

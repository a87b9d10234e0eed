using Coffre.Alerts;
using Coffre.Platform;

namespace Coffre.Tests.Alerts;

public class DiskSpaceThresholdTests
{
    private static readonly FileSystemSpace Space = new(Total: 100L << 30, Available: 8L << 30, Used: 92L << 30);

    [Fact]
    public void Below_the_percentage_is_a_problem_that_gives_the_numbers() =>
        Assert.Equal("the file system of the repository /srv/b has 8.00 GiB free (8% of 100.00 GiB), below the alert threshold of 10%",
            DiskSpaceThreshold.Problem(Space, "/srv/b", 10, null));

    [Fact]
    public void Above_both_thresholds_is_fine() => Assert.Null(DiskSpaceThreshold.Problem(Space, "/srv/b", 5, 1L << 30));

    [Fact]
    public void Either_threshold_is_enough() => Assert.NotNull(DiskSpaceThreshold.Problem(Space, "/srv/b", 5, 10L << 30));

    [Fact]
    public void No_threshold_never_measures() => Assert.Null(DiskSpaceThreshold.Problem("/no/such/path", null, null));

    [Fact]
    public void The_real_file_system_is_measured() =>
        Assert.NotNull(DiskSpaceThreshold.Problem(Path.GetTempPath(), null, long.MaxValue));
}

using System.Runtime.Versioning;
using Coffre.Maintenance;
using Coffre.Platform;

namespace Coffre.Tests.Maintenance;

[SupportedOSPlatform("linux")]
public class DiskSpaceTests
{
    [Fact]
    public void Statvfs_reports_the_sizes_df_reports()
    {
        var space = Posix.StatFileSystem(UnixPath.FromString("/tmp"));
        var df = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("df", "-B1 --output=size,avail /tmp") { RedirectStandardOutput = true })!;
        var fields = df.StandardOutput.ReadToEnd().Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
        df.WaitForExit();
        Assert.Equal(fields[0], space.Total);
        // Other processes write meanwhile: within 64 MiB.
        Assert.InRange(space.Available, fields[1] - (64L << 20), fields[1] + (64L << 20));
        Assert.InRange(space.Used, 0, space.Total);
    }

    [Fact]
    public void A_missing_path_is_an_error_naming_it()
    {
        var e = Assert.Throws<PosixException>(() => Posix.StatFileSystem(UnixPath.FromString("/nonexistent/coffre")));
        Assert.Contains("/nonexistent/coffre", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refusal_says_what_is_needed_and_what_is_free()
    {
        DiskSpace.EnsureRoom("/repo", 100, 100, "this prune", "detail", "advice");
        var e = Assert.Throws<CoffreException>(() => DiskSpace.EnsureRoom("/repo", 3 << 20, 1 << 20, "this prune", "2.00 MiB to copy", "Free some space."));
        Assert.Contains("3.00 MiB", e.Message, StringComparison.Ordinal);
        Assert.Contains("1.00 MiB free", e.Message, StringComparison.Ordinal);
        Assert.Contains("/repo", e.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Fatal, e.ExitCode);
    }

    [Fact]
    public void The_margin_is_a_mebibyte_and_two_percent() => Assert.Equal(5000 + (1 << 20) + 100, DiskSpace.WithMargin(5000));
}

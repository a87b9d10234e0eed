using System.Diagnostics;
using System.Text;
using Coffre.Repository.Keys;
using Coffre.Tests.Repository;

namespace Coffre.Tests.Fuzz;

/// <summary>Key files whose scrypt parameters would make opening the repository hang (issue 10): refused at once.</summary>
public sealed class HostileKeyFileTests
{
    private static byte[] WithParameters(long n, long r, long p) => Encoding.UTF8.GetBytes(ResticVectors.KeyFileJson
        .Replace("\"N\":32768,\"r\":8,\"p\":9", $"\"N\":{n},\"r\":{r},\"p\":{p}", StringComparison.Ordinal));

    [Theory]
    [InlineData(1 << 20, 8, 1 << 20)] // the key: hours of CPU
    [InlineData(1 << 20, 12, 1)]      // 1.5 GiB of memory
    [InlineData(1 << 15, 8, 4097)]    // p alone
    [InlineData(1024, 8192, 2)]       // r alone nearly 1 GiB, twice
    public void A_key_file_asking_for_more_than_1_GiB_of_scrypt_work_is_refused_without_deriving(long n, long r, long p)
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidDataException>(() => KeyFile.Parse(WithParameters(n, r, p)));
        Assert.Contains("1 GiB", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData(32768, 8, 9)]  // restic's test vectors
    [InlineData(32768, 8, 1)]  // restic's and Coffre's default
    [InlineData(1 << 20, 8, 1)] // exactly 1 GiB
    public void Ordinary_and_expensive_but_bounded_key_files_are_read(long n, long r, long p)
    {
        var kf = KeyFile.Parse(WithParameters(n, r, p));
        Assert.Equal((n, r, p), ((long)kf.N, (long)kf.R, (long)kf.P));
    }
}

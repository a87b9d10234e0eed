using System.Diagnostics;
using System.Security.Cryptography;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Model;
using Coffre.Platform;
using Coffre.Repository.Keys;

namespace Coffre.IntegrationTests.Keys;

/// <summary>
/// Key files come from the repository, which may be hostile: their scrypt parameters must not make opening hang
/// the machine. A key file asking for more than Coffre's limit is refused by name, the usual keys are tried
/// first, and a signal ends a derivation that is running (exit 130).
/// </summary>
public class HostileKeyFileTests
{
    [Fact]
    public void A_key_file_asking_for_days_of_scrypt_is_refused_by_name_and_the_real_key_still_opens()
    {
        using var dir = new TestDirectory("hostile-key");
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        // N=2^20, p=2^20 (the case), and one just over the limit (128·N·r·p = 2 GiB).
        var monster = PlantKeyFile(repo, 1 << 20, 8, 1 << 20);
        var over = PlantKeyFile(repo, 1 << 20, 8, 2);

        var clock = Stopwatch.StartNew();
        Assert.Empty(coffre.Json("snapshots").EnumerateArray());
        var wrong = new CoffreRunner(repo, "not the password").Run(TimeSpan.FromSeconds(60), "snapshots");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"opening took {clock.Elapsed}");

        Assert.True(wrong.ExitCode == 12, wrong.Describe());
        Assert.Contains($"key file {monster[..8]}", wrong.StdErr, StringComparison.Ordinal);
        Assert.Contains($"key file {over[..8]}", wrong.StdErr, StringComparison.Ordinal);
        Assert.Contains("N=1048576, r=8, p=1048576", wrong.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void SIGTERM_ends_a_long_key_derivation_with_exit_130()
    {
        using var dir = new TestDirectory("slow-key");
        var repo = dir.Sub("repo");
        new CoffreRunner(repo).Init();
        // Within the limit (128·N·r·p = 1 GiB) but many seconds of work with little memory (16 MiB): tried after
        // the cheap real key, which this wrong password does not open.
        PlantKeyFile(repo, 1 << 14, 8, 64);
        using var running = new CoffreRunner(repo, "not the password").Start("snapshots");
        Thread.Sleep(1500);
        Assert.False(running.HasExited, "the derivation should still run");
        var sent = Stopwatch.StartNew();
        Assert.Equal(0, LibC.kill(running.Id, 15));
        var r = running.Wait(TimeSpan.FromSeconds(60));
        Assert.True(r.ExitCode == 130, r.Describe());
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(5), $"the command took {sent.Elapsed} to stop after the signal");
    }

    /// <summary>A well-formed key file with these parameters whose data no password opens; returns its name.</summary>
    private static string PlantKeyFile(string repo, int n, int r, int p)
    {
        var kf = new KeyFile
        {
            Created = GoTime.FromDateTimeOffset(DateTimeOffset.UtcNow),
            Username = "mallory",
            Hostname = "elsewhere",
            N = n,
            R = r,
            P = p,
            Salt = RandomNumberGenerator.GetBytes(KeyFile.SaltSize),
            Data = RandomNumberGenerator.GetBytes(160),
        };
        var bytes = kf.Serialize();
        var name = BlobId.Hash(bytes).ToString();
        File.WriteAllBytes(Path.Combine(repo, "keys", name), bytes);
        return name;
    }
}

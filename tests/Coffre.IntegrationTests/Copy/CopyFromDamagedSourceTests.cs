using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Copy;

/// <summary>
/// Damage in the source: the snapshot whose data cannot be read is not copied and the reason is named (never a
/// snapshot in the destination that looks complete without its data); the other snapshots are copied, and the
/// destination passes `restic check --read-data`.
/// </summary>
public class CopyFromDamagedSourceTests
{
    [Fact]
    public void A_damaged_or_missing_pack_refuses_its_snapshot_with_the_reason_and_the_others_are_copied()
    {
        using var dir = new TestDirectory("copy-damage");
        var repos = new CopyRepositories(dir);
        repos.Source.Init();
        var flipped = BackupWithOwnPack(repos, dir, "flipped", 21, out var flippedPack);
        var healthy = BackupWithOwnPack(repos, dir, "healthy", 22, out _);
        var deleted = BackupWithOwnPack(repos, dir, "deleted", 23, out var deletedPack);
        using (var f = new FileStream(flippedPack, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = f.Length / 3;
            var b = f.ReadByte();
            f.Position = f.Length / 3;
            f.WriteByte((byte)(b ^ 0x40));
        }
        File.Delete(deletedPack);
        repos.InitDestinationLikeSource();

        var r = repos.Destination.Run("copy", "--from-repo", repos.SourcePath);

        Assert.True(r.ExitCode == 3, r.Describe());
        Assert.Contains($"snapshot {flipped[..8]} not copied: data blob", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("cannot be read from the source", r.StdErr, StringComparison.Ordinal);
        Assert.Contains($"snapshot {deleted[..8]} not copied: data blob", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("does not exist", r.StdErr, StringComparison.Ordinal);
        var copied = Assert.Single(repos.ResticDestination.Snapshots());
        Assert.Equal(healthy, copied.GetProperty("original").GetString());
        repos.ResticDestination.AssertCheckReadData();
        var target = dir.Sub("restored");
        repos.Destination.Restore(copied.GetProperty("id").GetString()!, target);
        Assert.Equal(File.ReadAllBytes(dir.Sub("healthy/file-0.bin")), File.ReadAllBytes(UnixPath.ToDisplay(Restored.PathOf(target, dir.Sub("healthy/file-0.bin")))));
    }

    /// <summary>A snapshot of its own random data; <paramref name="dataPack"/> is the largest pack it added (a data pack only it needs).</summary>
    private static string BackupWithOwnPack(CopyRepositories repos, TestDirectory dir, string name, int seed, out string dataPack)
    {
        var before = Packs(repos.SourcePath).ToHashSet();
        TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub(name)), seed, 2 << 20);
        var id = repos.Source.Backup(dir.Sub(name)).SnapshotId;
        dataPack = Packs(repos.SourcePath).Where(p => !before.Contains(p)).MaxBy(p => new FileInfo(p).Length)!;
        return id;
    }

    private static IEnumerable<string> Packs(string repository) => Directory.EnumerateFiles(Path.Combine(repository, "data"), "*", SearchOption.AllDirectories);
}

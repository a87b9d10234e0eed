using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.BadInput;

/// <summary>
/// A data pack damaged after the fact (one bit flipped, or cut short): check finds it and names the files it
/// affects; restoring an affected snapshot names what it cannot restore and restores the rest; an unaffected snapshot still restores.
/// </summary>
public class DamagedPackTests
{
    private sealed record Damaged(SmallRepository First, GeneratedTree Victim, string VictimSnapshot, string Pack, string TreePack);

    /// <summary>Two snapshots in separate packs; returns the data pack and the tree pack the second backup added.</summary>
    private static Damaged TwoSnapshots(TestDirectory dir)
    {
        var first = Scenarios.SmallRepository(dir);
        var packsBefore = RepoInspector.Packs(first.Repository);
        var victim = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("victim")), seed: 21, 3_000_000);
        var second = first.Coffre.Backup(victim.RootText);
        var types = RepoInspector.PackTypes(first.Coffre, first.Repository);
        var added = RepoInspector.Packs(first.Repository).Except(packsBefore).ToList();
        var pack = Assert.Single(added, p => types[p] == "data");
        var treePack = Assert.Single(added, p => types[p] == "tree");
        return new Damaged(first, victim, second.SnapshotId, pack, treePack);
    }

    private static void AssertCheckNamesPackAndFile(ProcessResult check, Damaged d)
    {
        Assert.True(check.ExitCode == 1, $"check must fail on a damaged pack\n{check.Describe()}");
        Errors.AssertNoCrash(check);
        var output = check.StdOut + check.StdErr;
        Assert.True(output.Contains(d.Pack[..8], StringComparison.Ordinal), $"check must name the damaged pack {d.Pack[..8]}\n{check.Describe()}");
        Assert.True(output.Contains("file-0.bin", StringComparison.Ordinal) && output.Contains(d.VictimSnapshot[..8], StringComparison.Ordinal),
            $"check must name the snapshot and file the pack affects\n{check.Describe()}");
        Assert.False(output.Contains(d.First.SnapshotId[..8] + ":", StringComparison.Ordinal), $"the first snapshot is not affected\n{check.Describe()}");
    }

    /// <summary>The damaged files are named and not restored (exit 3, incomplete); nothing is left in their place.</summary>
    private static void AssertRestoreOfVictimFails(TestDirectory dir, Damaged d)
    {
        var r = d.First.Coffre.Run("restore", d.VictimSnapshot, "--target", dir.Sub("restore-victim"));
        Assert.True(r.ExitCode == 3, r.Describe());
        Errors.AssertNoCrash(r);
        Assert.Contains("coffre: not restored: ", r.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Sub("restore-victim") + d.Victim.RootText + "/file-0.bin"), "no placeholder for the damaged file");
    }

    [Fact]
    public void Flipped_bit_is_found_by_read_data_and_named()
    {
        using var dir = new TestDirectory("bitflip");
        var d = TwoSnapshots(dir);
        var path = RepoInspector.PackPath(d.First.Repository, d.Pack);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x10;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(path, bytes);

        AssertCheckNamesPackAndFile(d.First.Coffre.Run("check", "--read-data"), d);
        var json = d.First.Coffre.Run("check", "--read-data", "--json");
        Assert.Equal(1, json.ExitCode);
        Assert.Contains(d.Pack, json.StdOut);
        AssertRestoreOfVictimFails(dir, d);
        d.First.AssertFirstSnapshotRestores(dir);
        Assert.Empty(RepoInspector.Locks(d.First.Repository));
    }

    [Fact]
    public void Truncated_pack_is_found_without_reading_data()
    {
        using var dir = new TestDirectory("truncated");
        var d = TwoSnapshots(dir);
        var path = RepoInspector.PackPath(d.First.Repository, d.Pack);
        var length = new FileInfo(path).Length;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write)) f.SetLength(length / 2);

        AssertCheckNamesPackAndFile(d.First.Coffre.Run("check"), d);
        AssertCheckNamesPackAndFile(d.First.Coffre.Run("check", "--read-data"), d);
        AssertRestoreOfVictimFails(dir, d);
        d.First.AssertFirstSnapshotRestores(dir);
    }

    [Fact]
    public void Flipped_bit_in_a_tree_pack_names_the_folders_it_affects()
    {
        using var dir = new TestDirectory("bitflip-tree");
        var d = TwoSnapshots(dir);
        var treePack = d.TreePack;
        var path = RepoInspector.PackPath(d.First.Repository, treePack);
        var bytes = File.ReadAllBytes(path);
        bytes[10] ^= 0x80;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(path, bytes);

        var check = d.First.Coffre.Run("check", "--read-data");

        Assert.True(check.ExitCode == 1, check.Describe());
        Errors.AssertNoCrash(check);
        Assert.Contains(treePack[..8], check.StdOut + check.StdErr);
        Assert.Contains("folder listing", check.StdOut + check.StdErr);
        Errors.AssertOneLine(d.First.Coffre.Run("ls", d.VictimSnapshot), 1);
        AssertRestoreOfVictimFails(dir, d);
        d.First.AssertFirstSnapshotRestores(dir);
    }

    [Fact]
    public void Read_data_subset_of_all_packs_finds_the_flipped_bit()
    {
        using var dir = new TestDirectory("subset");
        var d = TwoSnapshots(dir);
        var path = RepoInspector.PackPath(d.First.Repository, d.Pack);
        var bytes = File.ReadAllBytes(path);
        bytes[100] ^= 0x01;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(path, bytes);

        Assert.Equal(0, d.First.Coffre.Run("check").ExitCode); // sizes still match: only reading finds it
        AssertCheckNamesPackAndFile(d.First.Coffre.Run("check", "--read-data-subset", "100%"), d);
    }
}

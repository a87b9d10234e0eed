using System.Globalization;
using System.Text.RegularExpressions;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// On a small file system: prune and backups refuse at once, saying how much they need and how much is free,
/// when the repository's disk cannot hold what they would write, and change nothing; with room they proceed.
/// </summary>
[Collection(SerialCollection.Name)]
public class DiskSpaceTests
{
    private const long MiB = 1 << 20;

    [SmallDiskFact]
    public void Prune_refuses_when_the_disk_cannot_hold_the_repacked_data()
    {
        using var dir = new TestDirectory("prune-disk");
        using var disk = SmallDisk.TryMount(dir.Sub("disk"), 40, out var whyNot);
        Assert.True(disk is not null, whyNot);
        var repo = Path.Combine(disk.MountPoint, "repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var both = Source(dir, "both", ("shared.bin", 6 * MiB, 1), ("only.bin", 6 * MiB, 2));
        var shared = Source(dir, "shared", ("shared.bin", 6 * MiB, 1));
        var first = coffre.Backup(both.RootText).SnapshotId;
        var second = coffre.Backup(shared.RootText).SnapshotId;
        new ResticRunner(repo).Ok("forget", first);
        var filler = Fill(disk.MountPoint, leave: 4 * MiB);
        var before = Files(repo);

        var r = coffre.Run("prune");

        var line = Errors.AssertOneLine(r, 1, "not enough free space for this prune", "--max-repack-size");
        var (needed, free) = Amounts(line);
        Assert.InRange(needed, 6.0, 8.0);   // 6 MiB of blobs to copy, index files, a margin
        Assert.InRange(free, 3.5, 4.5);
        Assert.Equal(before, Files(repo));
        Assert.Empty(RepoInspector.Locks(repo));

        // Deleting whole unused packs needs no room.
        coffre.Ok("prune", "--max-repack-size", "0");
        Assert.True(Files(repo).Count < before.Count);

        File.Delete(filler);
        coffre.Ok("prune");
        Verify.RepositoryIntact(repo);
        var target = dir.Sub("restore");
        coffre.Restore(second, target);
        TreeComparer.AssertEqual(shared.Root, Restored.PathOf(target, shared.Root));
        Assert.False(coffre.Json("prune").GetProperty("changed").GetBoolean());
    }

    [SmallDiskFact]
    public void Backup_refuses_new_data_that_cannot_fit_but_not_an_unchanged_backup()
    {
        using var dir = new TestDirectory("backup-disk");
        using var disk = SmallDisk.TryMount(dir.Sub("disk"), 8, out var whyNot);
        Assert.True(disk is not null, whyNot);
        var repo = Path.Combine(disk.MountPoint, "repo");
        var coffre = new CoffreRunner(repo);
        var small = Source(dir, "small", ("data.bin", 1_500_000, 5));
        coffre.Init();
        var first = coffre.Backup(small.RootText).SnapshotId;
        var big = Source(dir, "big", ("big.bin", 20 * MiB, 6));
        var before = Files(repo);

        var r = coffre.Run("backup", big.RootText);

        var line = Errors.AssertOneLine(r, 1, "not enough free space for this backup", "--no-space-check");
        var (needed, free) = Amounts(line);
        Assert.InRange(needed, 20.0, 22.0);
        Assert.InRange(free, 1.0, 8.0);
        Assert.Equal(before, Files(repo));
        Assert.Empty(RepoInspector.Locks(repo));

        // Less room than the source's size, but the source has not changed since its last snapshot.
        Fill(disk.MountPoint, leave: 1_400_000);
        var unchanged = coffre.Backup(small.RootText);
        Assert.Equal(1, unchanged.FilesUnmodified);
        Assert.Equal([first, unchanged.SnapshotId], coffre.Snapshots().Select(s => s.GetProperty("id").GetString()!).ToList());
    }

    [SmallDiskFact]
    public void Application_backup_counts_last_dump_sizes_and_changed_media()
    {
        using var dir = new TestDirectory("app-disk");
        using var disk = SmallDisk.TryMount(dir.Sub("disk"), 16, out var whyNot);
        Assert.True(disk is not null, whyNot);
        var app = new SqliteApp(dir);
        var repo = Path.Combine(disk.MountPoint, "repo");
        app.Coffre.Ok("init", "-r", repo);
        app.Coffre.Ok("backup", "--dest", repo);
        Fill(disk.MountPoint, leave: 2 * MiB + MiB / 2);
        app.Coffre.Ok("backup", "--dest", repo); // nothing changed: the dump as last time and a margin fit
        // 3 MiB of zeros: the estimate counts 3 MiB, compression stores almost nothing.
        File.WriteAllBytes(Path.Combine(app.Media, "uploads", "new.bin"), new byte[3 * MiB]);
        var before = Files(repo);

        var r = app.Coffre.Run("backup", "--dest", repo);

        Errors.AssertOneLine(r, 1, "not enough free space for this backup", "database dumps as large as last time", "new or changed media");
        Assert.Equal(before, Files(repo));
        var snapshots = RepoInspector.Snapshots(repo).Count;
        app.Coffre.Ok("backup", "--dest", repo, "--no-space-check");
        Assert.Equal(snapshots + 1, RepoInspector.Snapshots(repo).Count);
        new ResticRunner(repo).AssertCheckReadData();
    }

    private static GeneratedTree Source(TestDirectory dir, string name, params (string File, long Size, int Seed)[] files)
    {
        var root = UnixPath.FromString(dir.Sub(name));
        RawFiles.Dir(root);
        foreach (var (file, size, seed) in files) RawFiles.WriteRandom(UnixPath.Join(root, RawFiles.B(file)), size, seed);
        return new GeneratedTree(root, [.. files.Select(f => RawFiles.B(f.File))]);
    }

    /// <summary>Writes a file that leaves about <paramref name="leave"/> bytes free on the file system; returns its path.</summary>
    private static string Fill(string mountPoint, long leave)
    {
        var path = Path.Combine(mountPoint, "filler-" + Guid.NewGuid().ToString("N")[..8]);
        var size = Posix.StatFileSystem(UnixPath.FromString(mountPoint)).Available - leave;
        Assert.True(size > 0, $"only {Posix.StatFileSystem(UnixPath.FromString(mountPoint)).Available} bytes free, cannot leave {leave}");
        using var f = File.Create(path);
        var block = new byte[MiB];
        Array.Fill(block, (byte)0x5A);
        for (long done = 0; done < size; done += block.Length) f.Write(block, 0, (int)Math.Min(block.Length, size - done));
        return path;
    }

    /// <summary>The needed and free amounts (MiB) a refusal names.</summary>
    private static (double Needed, double Free) Amounts(string line)
    {
        var needed = Regex.Match(line, @"needs about ([\d.]+) MiB");
        var free = Regex.Match(line, @"has ([\d.]+) MiB free");
        Assert.True(needed.Success && free.Success, $"the message should give both amounts in MiB: {line}");
        return (double.Parse(needed.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(free.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static List<string> Files(string repo) =>
        [.. Directory.EnumerateFiles(repo, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(repo, f))
            .Where(f => !f.StartsWith("locks/", StringComparison.Ordinal))
            .Select(f => $"{f} {new FileInfo(Path.Combine(repo, f)).Length}")
            .Order(StringComparer.Ordinal)];
}

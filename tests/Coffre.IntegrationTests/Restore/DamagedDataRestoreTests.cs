using System.Security.Cryptography;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Restore;

/// <summary>
/// Damaged data (a byte flipped in a data pack, a pack gone): the restore goes on past the bad blob, restores every
/// file that can be restored (at least as many as restic 0.14 on the same repository), leaves nothing (no empty
/// or partial file) for a file that cannot be, still applies folder metadata, names each file it could not
/// restore and exits 3.
/// </summary>
public class DamagedDataRestoreTests
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    /// <summary>Ten folders of small random files (one blob each); returns relative path -> content hash.</summary>
    private static Dictionary<string, string> MakeFiles(string root, int count, int seed)
    {
        var random = new Random(seed);
        var files = new Dictionary<string, string>();
        for (var i = 0; i < count; i++)
        {
            var rel = $"d{i % 10}/file-{seed}-{i}.bin";
            Directory.CreateDirectory(Path.Combine(root, $"d{i % 10}"));
            var bytes = new byte[random.Next(1_000, 60_000)];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(root, rel), bytes);
            files[rel] = Convert.ToHexString(SHA256.HashData(bytes));
        }
        for (var d = 0; d < 10; d++) File.SetUnixFileMode(Path.Combine(root, $"d{d}"), FolderMode);
        return files;
    }

    /// <summary>How many of <paramref name="files"/> are under <paramref name="restoredRoot"/> with the right content; and the paths that are there but wrong.</summary>
    private static (int Correct, List<string> Wrong) Count(string restoredRoot, Dictionary<string, string> files)
    {
        var correct = 0;
        var wrong = new List<string>();
        foreach (var (rel, hash) in files)
        {
            var path = Path.Combine(restoredRoot, rel);
            if (!File.Exists(path)) continue;
            if (Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) == hash) correct++;
            else wrong.Add(rel);
        }
        return (correct, wrong);
    }

    private static void Flip(string pack, long offset)
    {
        File.SetUnixFileMode(pack, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var f = new FileStream(pack, FileMode.Open, FileAccess.ReadWrite);
        f.Position = offset;
        var b = f.ReadByte();
        f.Position = offset;
        f.WriteByte((byte)(b ^ 0x20));
    }

    [Fact]
    public void A_flipped_byte_costs_only_the_file_it_is_in_and_restores_at_least_what_restic_restores()
    {
        using var dir = new TestDirectory("damaged-restore");
        var src = dir.CreateSub("src");
        var files = MakeFiles(src, 300, seed: 7);
        var repository = dir.Sub("repo");
        var coffre = new CoffreRunner(repository);
        coffre.Init();
        coffre.Backup(src);
        var types = RepoInspector.PackTypes(coffre, repository);
        var data = RepoInspector.Packs(repository).Where(p => types[p] == "data").Select(p => RepoInspector.PackPath(repository, p)).ToList();
        foreach (var pack in data) Flip(pack, new FileInfo(pack).Length / 2);

        var target = dir.Sub("coffre-restore");
        var r = coffre.Run("restore", "latest", "--target", target);
        var restic = new ResticRunner(repository).Run("restore", "latest", "--target", dir.Sub("restic-restore"));

        Errors.AssertNoCrash(r);
        Assert.True(r.ExitCode == 3, r.Describe());
        var (correct, wrong) = Count(target + src, files);
        var (resticCorrect, _) = Count(dir.Sub("restic-restore") + src, files);
        Assert.Empty(wrong); // no 0-byte placeholder, no partial file
        var notRestored = r.StdErrLines.Where(l => l.StartsWith("coffre: not restored: ", StringComparison.Ordinal)).ToList();
        Assert.True(notRestored.Count >= 1 && correct + notRestored.Count == files.Count, $"{correct} restored, {notRestored.Count} named\n{r.Describe()}");
        Assert.True(correct >= resticCorrect, $"coffre restored {correct} files correctly, restic {resticCorrect}\n{r.Describe()}\n{restic.Describe()}");
        Assert.True(correct >= files.Count - data.Count, $"one flipped byte per data pack costs at most one file each: {correct}/{files.Count}\n{r.Describe()}");
        foreach (var line in notRestored) Assert.Contains("/d", line, StringComparison.Ordinal);
        for (var d = 0; d < 10; d++)
            Assert.Equal(FolderMode, File.GetUnixFileMode(Path.Combine(target + src, $"d{d}"))); // folder metadata still applied
    }

    [Fact]
    public void A_missing_pack_costs_only_its_files()
    {
        using var dir = new TestDirectory("missing-pack-restore");
        var src = dir.CreateSub("src");
        var first = MakeFiles(src, 60, seed: 1);
        var repository = dir.Sub("repo");
        var coffre = new CoffreRunner(repository);
        coffre.Init();
        coffre.Backup(src);
        var packsBefore = RepoInspector.Packs(repository);
        var second = MakeFiles(src, 40, seed: 2);
        var snapshot = coffre.Backup(src).SnapshotId;
        var types = RepoInspector.PackTypes(coffre, repository);
        var added = RepoInspector.Packs(repository).Except(packsBefore).Where(p => types[p] == "data").ToList();
        Assert.NotEmpty(added);
        foreach (var pack in added) File.Delete(RepoInspector.PackPath(repository, pack));

        var target = dir.Sub("restore");
        var r = coffre.Run("restore", snapshot, "--target", target);

        Errors.AssertNoCrash(r);
        Assert.True(r.ExitCode == 3, r.Describe());
        var (restored, wrong) = Count(target + src, first);
        Assert.Equal(first.Count, restored);
        Assert.Empty(wrong);
        foreach (var rel in second.Keys)
        {
            Assert.False(File.Exists(Path.Combine(target + src, rel)), rel);
            Assert.Contains(rel, r.StdErr, StringComparison.Ordinal);
        }
        Assert.True(Posix.LStat(UnixPath.FromString(Path.Combine(target + src, "d0"))).IsDirectory);
    }
}

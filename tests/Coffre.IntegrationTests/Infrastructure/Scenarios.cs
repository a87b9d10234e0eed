using System.Text;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Platform;
using Coffre.Storage;
using Coffre.Storage.Local;
using static Coffre.IntegrationTests.Infrastructure.RawFiles;

namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>A repository with one snapshot of a small tree, to break things in.</summary>
internal sealed record SmallRepository(string Repository, CoffreRunner Coffre, GeneratedTree Tree, string SnapshotId)
{
    /// <summary>The first snapshot still restores to exactly the tree it was taken from.</summary>
    public void AssertFirstSnapshotRestores(TestDirectory dir)
    {
        var target = dir.Sub("restore-first-" + Guid.NewGuid().ToString("N")[..6]);
        Coffre.Restore(SnapshotId, target);
        TreeComparer.AssertEqual(Tree.Root, Restored.PathOf(target, Tree.Root));
    }
}

/// <summary>The setups the bad-input tests and the exit-code contract share.</summary>
internal static class Scenarios
{
    public static SmallRepository SmallRepository(TestDirectory dir, string name = "first")
    {
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var tree = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub(name)), seed: 3, 1000, 200_000, 1_500_000);
        var summary = coffre.Backup(tree.RootText);
        return new SmallRepository(repo, coffre, tree, summary.SnapshotId);
    }

    /// <summary>Writes a lock file as another host's process would (restic's format), through the engine.</summary>
    public static async Task WriteLockAsync(string repository, bool exclusive, string hostname, int pid, string password = TestPasswords.Default)
    {
        var repo = await Coffre.Repository.Repository.OpenAsync(new LocalBackend(repository), Encoding.UTF8.GetBytes(password), CancellationToken.None);
        var info = new LockInfo(GoTime.FromDateTimeOffset(DateTimeOffset.Now), exclusive, hostname, "someone", pid, 0, 0);
        await repo.SaveJsonAsync(FileType.Lock, LockJson.Serialize(info), CancellationToken.None);
    }

    /// <summary>The result of backing up a tree with an unreadable file and an unreadable folder.</summary>
    internal sealed record UnreadableRun(ProcessResult Result, string Repository, CoffreRunner Coffre, byte[] Source, string UnreadableFile, string UnreadableFolder);

    /// <summary>
    /// A source tree with a file of mode 0000 and a folder of mode 0000, backed up by a user who cannot read
    /// them: nobody (through setpriv) when the tests run as root, else the current user.
    /// </summary>
    public static UnreadableRun BackUpUnreadableSource(TestDirectory dir)
    {
        var asNobody = Posix.EffectiveUserId == 0;
        var home = UnixPath.FromString(dir.Sub("home"));
        Dir(home, 0x1ED);
        var src = UnixPath.Join(home, B("src"));
        Dir(src);
        Write(UnixPath.Join(src, B("readable.txt")), "anyone may read this\n");
        Write(UnixPath.Join(src, B("secret.txt")), "nobody may read this\n", 0);
        Dir(UnixPath.Join(src, B("sub")));
        WriteRandom(UnixPath.Join(src, B("sub/data.bin")), 300_000, 5);
        var lockedDir = UnixPath.Join(src, B("locked-dir"));
        Dir(lockedDir);
        Write(UnixPath.Join(lockedDir, B("hidden.txt")), "inside a folder nobody may list\n");
        Posix.Chmod(lockedDir, 0);
        var repo = UnixPath.ToDisplay(UnixPath.Join(home, B("repo")));
        if (asNobody) ChownTree(home, 65534, 65534);

        var coffre = new CoffreRunner(repo) { AsNobody = asNobody };
        coffre.Init();
        var result = coffre.Run("backup", UnixPath.ToDisplay(src), "--json");
        return new UnreadableRun(result, repo, coffre, src, UnixPath.ToDisplay(UnixPath.Join(src, B("secret.txt"))), UnixPath.ToDisplay(lockedDir));
    }

    internal static void ChownTree(byte[] path, uint uid, uint gid)
    {
        Posix.LChown(path, uid, gid);
        var st = Posix.LStat(path);
        if (!st.IsDirectory) return;
        Posix.Chmod(path, st.Permissions | 0x1C0); // root lists it now; the mode is put back after
        foreach (var name in Posix.ReadDirectory(path)) ChownTree(UnixPath.Join(path, name), uid, gid);
        Posix.Chmod(path, st.Permissions);
    }

    /// <summary>The result of an interrupted backup, and the snapshots there were before it.</summary>
    internal sealed record InterruptedRun(ProcessResult Result, string Repository, CoffreRunner Coffre, List<string> SnapshotsBefore, bool RunningWhenSignalled);

    public const int SigInt = 2;
    public const int SigTerm = 15;

    /// <summary>
    /// One small backup, then a backup of about 200 MiB of random data that gets <paramref name="signal"/> (SIGINT by
    /// default) <paramref name="delayMs"/> after it took its lock (so it is in the middle of its work, not starting up).
    /// </summary>
    public static InterruptedRun InterruptBackup(TestDirectory dir, int signal = SigInt, int delayMs = 400, long bytes = 200L << 20)
    {
        var small = SmallRepository(dir);
        var before = RepoInspector.Snapshots(small.Repository);
        var big = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("big")), seed: 13, bytes / 4, bytes / 4, bytes / 4, bytes / 4);

        using var running = small.Coffre.Start("backup", big.RootText);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (RepoInspector.Locks(small.Repository).Count == 0 && !running.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Thread.Sleep(delayMs);
        var runningWhenSignalled = !running.HasExited;
        if (runningWhenSignalled) Assert.Equal(0, Kill(running.Id, signal));
        var result = running.Wait(TimeSpan.FromMinutes(2));
        return new InterruptedRun(result, small.Repository, small.Coffre, before, runningWhenSignalled);
    }

    private static int Kill(int pid, int signal) => Coffre.Platform.LibC.kill(pid, signal);
}

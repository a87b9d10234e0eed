using System.Security.Cryptography;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Storage.Rest;
using Coffre.IntegrationTests.Storage.S3;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Concurrency;

/// <summary>
/// Several hosts back up into one remote repository at the same time: 4 `coffre backup` processes (one host each,
/// sharing part of their data so they race to store the same blobs) and restic 0.14 holding a backup open, while
/// a prune is attempted. The prune refuses with the lock's owner named (exit 11), every snapshot is complete and
/// restores byte for byte, `restic check --read-data` is clean, and a prune afterwards loses nothing.
/// </summary>
public sealed class ConcurrentWritersTests
{
    private const int Writers = 4;

    [Fact]
    public void Four_writers_and_a_prune_on_a_rest_server()
    {
        using var rest = new RcloneRestServer();
        Run("writers-rest", rest.Location(), new Dictionary<string, string?>(), () => Directory.Exists(Path.Combine(rest.Root, "locks")) ? Directory.GetFiles(Path.Combine(rest.Root, "locks")).Length : 0);
    }

    [S3Fact]
    public void Four_writers_and_a_prune_on_s3()
    {
        var location = S3TestServer.NewLocation("writers");
        using var raw = S3TestServer.RawClient();
        Run("writers-s3", location.ToString(), S3TestServer.Credentials, () => S3TestServer.KeysAsync(raw, location.Prefix + "/locks/").GetAwaiter().GetResult().Count);
    }

    private static void Run(string purpose, string location, Dictionary<string, string?> credentials, Func<int> locks)
    {
        using var dir = new TestDirectory(purpose);
        var shared = RandomNumberGenerator.GetBytes(6 << 20); // the same 6 MiB in every host's data: the writers race to store it
        var trees = Enumerable.Range(0, Writers).Select(i =>
        {
            var tree = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub($"host{i}")), seed: 40 + i, 3 << 20, 1 << 20, 700_000, 5_000, 0);
            File.WriteAllBytes(Path.Combine(tree.RootText, "shared.bin"), shared);
            return tree;
        }).ToList();
        CoffreRunner Coffre()
        {
            var c = new CoffreRunner(location);
            foreach (var (k, v) in credentials) c.Environment[k] = v;
            return c;
        }
        Coffre().Ok("init");

        // restic holds a backup open (reading stdin until the gate file is removed): its lock is on the server before any prune.
        var gate = dir.Sub("gate");
        File.WriteAllText(gate, "");
        var resticEnv = new Dictionary<string, string?>(credentials) { ["RESTIC_PASSWORD"] = TestPasswords.Default, ["RESTIC_CACHE_DIR"] = null };
        using var restic = ProcessRunner.Start("/bin/sh",
            ["-c", $"(while [ -e \"$1\" ]; do sleep 0.1; done; echo restic-data) | {ResticRunner.Executable} --no-cache -r \"$2\" backup --stdin --stdin-filename held.txt --host restic-host --json", "hold", gate, location],
            resticEnv);
        WaitFor(() => locks() >= 1, "restic's lock on the server", restic);

        var backups = trees.Select((t, i) => Coffre().Start("backup", t.RootText, "--host", $"writer{i}", "--json")).ToList();
        var prune = Coffre().Run("prune");
        Assert.True(prune.ExitCode == 11, $"a prune while backups run must refuse (exit 11)\n{prune.Describe()}");
        Assert.Contains("the repository is locked", prune.StdErr, StringComparison.Ordinal);
        Assert.Contains("wait for it to finish", prune.StdErr, StringComparison.Ordinal);

        var results = backups.Select(b => b.Wait(TimeSpan.FromMinutes(10))).ToList();
        foreach (var b in backups) b.Dispose();
        foreach (var r in results) Assert.True(r.ExitCode == 0, r.Describe());
        File.Delete(gate);
        var held = restic.Wait(TimeSpan.FromMinutes(5));
        Assert.True(held.ExitCode == 0, held.Describe());

        // Nothing lost: a prune now runs and removes nothing any snapshot needs.
        Coffre().Ok("prune");
        var snapshots = Coffre().Snapshots();
        Assert.Equal(["restic-host", "writer0", "writer1", "writer2", "writer3"], snapshots.Select(s => s.GetProperty("hostname").GetString()!).Order(StringComparer.Ordinal));
        for (var i = 0; i < Writers; i++)
        {
            var id = snapshots.Single(s => s.GetProperty("hostname").GetString() == $"writer{i}").GetProperty("id").GetString()!;
            var target = dir.Sub($"restored{i}");
            Coffre().Restore(id, target);
            TreeComparer.AssertEqual(trees[i].Root, Restored.PathOf(target, trees[i].Root));
        }
        var check = new ResticRunner(location);
        foreach (var (k, v) in credentials) check.Environment[k] = v;
        check.AssertCheckReadData();
        var own = Coffre().Run("check", "--read-data");
        Assert.True(own.ExitCode == 0, own.Describe());
    }

    private static void WaitFor(Func<bool> condition, string what, RunningProcess process)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!condition())
        {
            if (process.HasExited) throw new Xunit.Sdk.XunitException($"{process.Command} ended before {what} appeared: {process.Wait(TimeSpan.FromSeconds(5)).Describe()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not appear within 2 minutes");
            Thread.Sleep(50);
        }
    }
}

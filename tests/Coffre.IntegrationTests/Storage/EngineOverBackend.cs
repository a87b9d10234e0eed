using System.Security.Cryptography;
using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Maintenance;
using Coffre.Maintenance.Prune;
using Coffre.Maintenance.Retention;
using Coffre.Repository.Locking;
using Coffre.Restore;
using Coffre.Storage;

namespace Coffre.IntegrationTests.Storage;

/// <summary>
/// The engine run in-process over any backend, as the commands run it (lock, index, archiver, restorer, checker,
/// forget, prune): how the remote backends are tested before the location registry lets <c>coffre -r</c> reach them.
/// </summary>
internal static class EngineOverBackend
{
    private static byte[] Password => Encoding.UTF8.GetBytes(TestPasswords.Default);

    public static async Task InitAsync(IStorageBackend backend) =>
        await Coffre.Repository.Repository.InitAsync(backend, Password, TimeProvider.System, CancellationToken.None);

    public static async Task<Coffre.Repository.Repository> OpenAsync(IStorageBackend backend, bool loadIndex = true)
    {
        var repo = await Coffre.Repository.Repository.OpenAsync(backend, Password, CancellationToken.None);
        if (loadIndex) await repo.LoadIndexAsync(CancellationToken.None);
        return repo;
    }

    /// <summary>Backs up <paramref name="paths"/> as <c>coffre backup</c> does; returns the snapshot's id.</summary>
    public static async Task<string> BackupAsync(IStorageBackend backend, params string[] paths)
    {
        var repo = await OpenAsync(backend, loadIndex: false);
        await using var held = await RepositoryLock.AcquireThenLoadIndexAsync(repo, exclusive: false, TimeProvider.System, CancellationToken.None);
        var result = await new Coffre.Archiver.Archiver(repo, TimeProvider.System).BackupAsync(
            new Coffre.Archiver.BackupOptions { Paths = paths, CheckFreeSpace = false }, new Coffre.Archiver.BackupProgress(), CancellationToken.None);
        Assert.True(result.Complete, string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        return result.SnapshotId.ToString();
    }

    public static async Task RestoreAsync(IStorageBackend backend, string snapshot, string target)
    {
        var repo = await OpenAsync(backend);
        var entry = await repo.FindSnapshotAsync(snapshot, CancellationToken.None);
        await using var held = await RepositoryLock.AcquireAsync(repo, exclusive: false, TimeProvider.System, CancellationToken.None);
        var result = await new Restorer(repo).RestoreAsync(entry.Snapshot, new RestoreOptions { Target = target }, new RestoreProgress(), CancellationToken.None);
        Assert.True(result.Complete, string.Join("; ", result.Failures.Select(f => $"{f.Path}: {f.Reason}")));
    }

    public static async Task AssertCheckReadDataAsync(IStorageBackend backend)
    {
        var repo = await OpenAsync(backend);
        await using var held = await RepositoryLock.AcquireAsync(repo, exclusive: false, TimeProvider.System, CancellationToken.None);
        var report = await new Checker(repo).CheckAsync(new CheckOptions { ReadData = true }, CancellationToken.None);
        Assert.True(report.Ok, "coffre's check --read-data fails: " + string.Join("; ", report.Errors));
    }

    public static async Task<int> SnapshotCountAsync(IStorageBackend backend) =>
        (await (await OpenAsync(backend, loadIndex: false)).LoadSnapshotsAsync(CancellationToken.None)).Count;

    /// <summary><c>coffre forget --keep-last N</c>.</summary>
    public static async Task<ForgetResult> ForgetAsync(IStorageBackend backend, int keepLast)
    {
        var repo = await OpenAsync(backend, loadIndex: false);
        return await SnapshotForgetter.ForgetAsync(repo, new ForgetRequest { Policy = new RetentionPolicy { Last = keepLast } }, TimeProvider.System, CancellationToken.None);
    }

    /// <summary><c>coffre prune</c>, under its exclusive lock.</summary>
    public static async Task PruneAsync(IStorageBackend backend)
    {
        var repo = await OpenAsync(backend, loadIndex: false);
        await using var held = await RepositoryLock.AcquireThenLoadIndexAsync(repo, exclusive: true, TimeProvider.System, CancellationToken.None);
        var pruner = new Pruner(repo);
        var plan = await pruner.PlanAsync(new PruneOptions(), CancellationToken.None);
        await pruner.ExecuteAsync(plan, null, CancellationToken.None);
    }
}

/// <summary>A folder of files to back up (small and large, random and repetitive), and the check that a restore matches it.</summary>
internal static class SampleFiles
{
    public static string Create(string root, int seed)
    {
        var rng = new Random(seed);
        Directory.CreateDirectory(Path.Combine(root, "docs", "deep"));
        for (var i = 0; i < 30; i++)
        {
            var bytes = new byte[rng.Next(0, 20_000)];
            rng.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(root, i % 3 == 0 ? "docs/deep" : "docs", $"file-{i}.bin"), bytes);
        }
        var big = new byte[6 << 20]; // several chunks, more than one pack
        rng.NextBytes(big);
        File.WriteAllBytes(Path.Combine(root, "big.bin"), big);
        File.WriteAllText(Path.Combine(root, "text.txt"), string.Concat(Enumerable.Repeat("compressible line\n", 50_000)));
        return root;
    }

    /// <summary>Relative path → SHA-256 of every file under <paramref name="root"/>.</summary>
    public static Dictionary<string, string> Digests(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    public static void AssertRestored(string source, string target)
    {
        var restored = Restored.PathOf(target, source);
        var expected = Digests(source);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.OrderBy(e => e.Key), Digests(Encoding.UTF8.GetString(restored)).OrderBy(e => e.Key));
    }
}

using System.Diagnostics;
using System.Text;
using Coffre.Archiver;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using Coffre.Repository.Locking;
using Coffre.Restore;
using Coffre.Storage;
using Coffre.Storage.Local;
using Xunit.Abstractions;

namespace Coffre.IntegrationTests.Storage.S3;

/// <summary>
/// The figures of docs/storage-s3.md: the same data backed up and restored through the engine to a local folder and
/// to the Ceph RGW. Runs only when asked (COFFRE_TEST_S3_MEASURE_MB, e.g. 300); prints the times, asserts only that
/// both copies restore identical.
/// </summary>
public sealed class S3BackupMeasurement(ITestOutputHelper output) : IDisposable
{
    private static readonly byte[] Password = Encoding.UTF8.GetBytes(TestPasswords.Default);
    private readonly TestDirectory _dir = new("s3-measure");

    public void Dispose() => _dir.Dispose();

    [S3MeasureFact]
    public async Task Backup_and_restore_to_ceph_compared_with_a_local_folder()
    {
        var megabytes = int.Parse(Environment.GetEnvironmentVariable("COFFRE_TEST_S3_MEASURE_MB")!, System.Globalization.CultureInfo.InvariantCulture);
        var sizes = Enumerable.Repeat(10L << 20, megabytes / 10).ToArray();
        var tree = TreeGenerator.CreateRandomFiles(UnixPath.FromString(_dir.Sub("src")), 7, sizes);

        var local = new LocalBackend(_dir.Sub("repo"));
        var (localBackup, localRestore) = await RoundTripAsync(local, tree, "local");
        using var s3 = S3TestServer.Open(S3TestServer.NewLocation("measure"));
        var (s3Backup, s3Restore) = await RoundTripAsync(s3, tree, "s3");

        output.WriteLine($"{megabytes} MB of random data in {sizes.Length} files");
        output.WriteLine($"backup:  local {localBackup.TotalSeconds:0.0} s, Ceph RGW {s3Backup.TotalSeconds:0.0} s ({s3Backup / localBackup:0.00}x)");
        output.WriteLine($"restore: local {localRestore.TotalSeconds:0.0} s, Ceph RGW {s3Restore.TotalSeconds:0.0} s ({s3Restore / localRestore:0.00}x)");
    }

    private async Task<(TimeSpan Backup, TimeSpan Restore)> RoundTripAsync(IStorageBackend backend, GeneratedTree tree, string name)
    {
        var clock = Stopwatch.StartNew();
        var repo = await Coffre.Repository.Repository.InitAsync(backend, Password, TimeProvider.System, default);
        await using (await RepositoryLock.AcquireThenLoadIndexAsync(repo, exclusive: false, TimeProvider.System, default))
            await new global::Coffre.Archiver.Archiver(repo, TimeProvider.System).BackupAsync(new BackupOptions { Paths = [tree.RootText] }, new BackupProgress(), default);
        var backup = clock.Elapsed;

        clock.Restart();
        var reader = await Coffre.Repository.Repository.OpenAsync(backend, Password, default);
        await reader.LoadIndexAsync(default);
        var snapshot = Assert.Single(await reader.LoadSnapshotsAsync(default));
        var target = _dir.Sub($"restore-{name}");
        await new Restorer(reader).RestoreAsync(snapshot.Snapshot, new RestoreOptions { Target = target }, new RestoreProgress(), default);
        var restore = clock.Elapsed;
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(target, tree.Root));
        return (backup, restore);
    }
}

/// <summary>Runs only when COFFRE_TEST_S3_MEASURE_MB is set (and the Ceph RGW is there).</summary>
public sealed class S3MeasureFactAttribute : FactAttribute
{
    public S3MeasureFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("COFFRE_TEST_S3_MEASURE_MB") is not { Length: > 0 })
            Skip = "a measurement, run on demand: COFFRE_TEST_S3_MEASURE_MB=300 (docs/storage-s3.md)";
        else if (Environment.GetEnvironmentVariable("COFFRE_TEST_S3_ENDPOINT") is not { Length: > 0 })
            Skip = "needs the private Ceph RADOS Gateway that ./test.sh starts (COFFRE_TEST_S3_* not set)";
    }
}

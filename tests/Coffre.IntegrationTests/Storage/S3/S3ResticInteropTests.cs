using System.Text;
using Coffre.Archiver;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Maintenance;
using Coffre.Platform;
using Coffre.Repository.Locking;
using Coffre.Restore;
using Coffre.Storage.S3;
using S3Location = Coffre.Storage.S3.S3Location;

namespace Coffre.IntegrationTests.Storage.S3;

/// <summary>
/// The real restic 0.14 and Coffre's engine share repositories on the Ceph RADOS Gateway: restic reads, checks
/// (--read-data) and restores what Coffre wrote there, and Coffre opens, checks and restores what restic wrote.
/// </summary>
public sealed class S3ResticInteropTests : IDisposable
{
    private static readonly byte[] Password = Encoding.UTF8.GetBytes(TestPasswords.Default);
    private readonly TestDirectory _dir = new("s3-interop");

    public void Dispose() => _dir.Dispose();

    private static ResticRunner Restic(S3Location location)
    {
        var restic = new ResticRunner(location.ToString());
        foreach (var (k, v) in S3TestServer.Credentials) restic.Environment[k] = v;
        return restic;
    }

    /// <summary>A tree with a file larger than a pack (so packs go up as multipart uploads) and awkward entries.</summary>
    private GeneratedTree Source(string name) =>
        TreeGenerator.CreateAwkward(UnixPath.FromString(_dir.Sub(name)), new TreeOptions { NonUtf8SymlinkTarget = false, BigFileSize = (40 << 20) + 4097 });

    [S3Fact]
    public async Task Restic_reads_checks_and_restores_a_repository_coffre_wrote_on_s3()
    {
        var location = S3TestServer.NewLocation("coffre-wrote");
        var tree = Source("src");
        string snapshotId;
        using (var backend = S3TestServer.Open(location))
        {
            // Packs (~16 MiB) go up in one PUT; with the threshold at 16 MiB they go in parts, which restic must read too.
            backend.MultipartBytes = 16L << 20;
            var repo = await Coffre.Repository.Repository.InitAsync(backend, Password, TimeProvider.System, default);
            await using (await RepositoryLock.AcquireThenLoadIndexAsync(repo, exclusive: false, TimeProvider.System, default))
            {
                var result = await new global::Coffre.Archiver.Archiver(repo, TimeProvider.System).BackupAsync(
                    new BackupOptions { Paths = [tree.RootText], Hostname = "coffre-on-s3", Tags = ["s3"] }, new BackupProgress(), default);
                snapshotId = result.SnapshotId.ToString();
            }
        }

        // Packs above the threshold went up in parts (a multipart ETag ends in "-N").
        using (var raw = S3TestServer.RawClient())
        {
            var packs = await raw.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = S3TestServer.Bucket, Prefix = location.Prefix + "/data/" });
            Assert.Contains(packs.S3Objects, o => o.ETag.TrimEnd('"').Contains('-', StringComparison.Ordinal));
        }

        var restic = Restic(location);
        var snapshot = Assert.Single(restic.Snapshots());
        Assert.Equal(snapshotId, snapshot.GetProperty("id").GetString());
        Assert.Equal("coffre-on-s3", snapshot.GetProperty("hostname").GetString());
        restic.AssertCheckReadData();
        var target = _dir.Sub("restic-restore");
        restic.Ok("restore", snapshotId, "--target", target);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(target, tree.Root));
    }

    [S3Fact]
    public async Task Coffre_opens_checks_and_restores_a_repository_restic_wrote_on_s3()
    {
        var location = S3TestServer.NewLocation("restic-wrote");
        var tree = Source("src");
        var restic = Restic(location);
        restic.Ok("init", "--repository-version", "2");
        restic.Backup(tree.RootText, "--host", "restic-on-s3");
        var snapshotId = restic.Snapshots().Single().GetProperty("id").GetString()!;

        using var backend = S3TestServer.Open(location);
        var repo = await Coffre.Repository.Repository.OpenAsync(backend, Password, default);
        await repo.LoadIndexAsync(default);
        var snapshots = await repo.LoadSnapshotsAsync(default);
        var entry = Assert.Single(snapshots);
        Assert.Equal(snapshotId, entry.Id.ToString());
        Assert.Equal("restic-on-s3", entry.Snapshot.Hostname);

        var report = await new Checker(repo).CheckAsync(new CheckOptions { ReadData = true }, default);
        Assert.True(report.Ok, string.Join("\n", report.Errors));

        var target = _dir.Sub("coffre-restore");
        var restored = await new Restorer(repo).RestoreAsync(entry.Snapshot, new RestoreOptions { Target = target }, new RestoreProgress(), default);
        Assert.True(restored.Files > 0);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(target, tree.Root));
    }
}

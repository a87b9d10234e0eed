using Coffre.Configuration;
using Coffre.Maintenance.Retention;
using Coffre.Model;
using Coffre.Storage.Local;

namespace Coffre.Jobs;

public sealed partial class BackupManager
{
    /// <summary>
    /// Rotation after a backup: the configuration's retention applied to the group of the snapshot just made (this
    /// application on that host; safety snapshots included), which is never removed itself. Takes an exclusive lock
    /// (see <see cref="SnapshotForgetter"/>); removes snapshot files only.
    /// </summary>
    public async Task<ForgetResult> RotateAsync(string? destination, BlobId justMade, CancellationToken ct)
    {
        var backend = new LocalBackend(destination ?? config.Repository.Path ?? RepositorySection.DefaultPath);
        var repo = await Repository.Repository.OpenAsync(backend, PasswordSource.Resolve(config.Repository, environment), ct).ConfigureAwait(false);
        var made = await repo.LoadSnapshotAsync(justMade.ToString(), ct).ConfigureAwait(false);
        return await SnapshotForgetter.ForgetAsync(repo, new ForgetRequest
        {
            Policy = RetentionPolicy.FromConfig(config.Retention),
            Hosts = [made.Snapshot.Hostname],
            Tags = [[AppTag]],
            Protected = new HashSet<BlobId> { justMade },
        }, clock, ct).ConfigureAwait(false);
    }
}

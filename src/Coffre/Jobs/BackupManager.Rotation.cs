using Coffre.Maintenance.Retention;
using Coffre.Model;

namespace Coffre.Jobs;

public sealed partial class BackupManager
{
    /// <summary>
    /// Rotation after a backup: the configuration's retention applied to the group of the snapshot just made (this
    /// application on that host; safety snapshots included), which is never removed itself. Takes an exclusive lock
    /// (see <see cref="SnapshotForgetter"/>); removes snapshot files only.
    /// </summary>
    public Task<ForgetResult> RotateAsync(string? destination, BlobId justMade, CancellationToken ct) => RotateAsync(destination, justMade, null, ct);

    private async Task<ForgetResult> RotateAsync(string? destination, BlobId justMade, Repository.Repository? open, CancellationToken ct)
    {
        var repo = open ?? await OpenRepositoryAsync(destination, loadIndex: false, ct).ConfigureAwait(false);
        var made = await repo.LoadSnapshotAsync(justMade.ToString(), ct).ConfigureAwait(false);
        return await SnapshotForgetter.ForgetAsync(repo, new ForgetRequest
        {
            Policy = RetentionPolicy.FromConfig(config.Retention),
            Hosts = [made.Snapshot.Hostname],
            Tags = [[AppTag]],
            Protected = new HashSet<BlobId> { justMade },
        }, clock, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The rotation that follows an application backup (<c>coffre backup</c>, the service's backup job): none after an
    /// incomplete backup (what it could not read may only be in older ones); a rotation that fails is a warning, not a
    /// failed backup.
    /// </summary>
    public async Task<RotationOutcome> RotateAfterBackupAsync(string? destination, ApplicationBackupResult backup, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backup);
        if (!backup.Backup.Complete) return RotationOutcome.Skip("the backup is incomplete, so no older backup is removed");
        try { return new(await RotateAsync(destination, backup.Backup.SnapshotId, backup.Repository, ct).ConfigureAwait(false), null); }
        catch (CoffreException e) when (!ct.IsCancellationRequested)
        {
            return new(null, "failed: " + e.Message, $"rotation failed: {e.Message}; the backup is saved; run 'coffre forget' later");
        }
    }
}

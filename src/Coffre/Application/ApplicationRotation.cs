using Coffre.Configuration;
using Coffre.Jobs;
using Coffre.Maintenance.Retention;
using Coffre.Model;

namespace Coffre.Application;

/// <summary>
/// Rotation after a backup, in the repository the backup was made in (already open: no second key derivation):
/// the configuration's retention applied to the group of the snapshot just made (this application on that host;
/// safety snapshots included), which is never removed itself. <see cref="SnapshotForgetter"/> takes the exclusive
/// lock; only snapshot files are removed.
/// </summary>
public sealed class ApplicationRotation(CoffreConfig config, TimeProvider clock)
{
    private string AppTag => ApplicationLayout.AppTag(config.Application ?? throw new CoffreException("the configuration names no application"));

    public async Task<ForgetResult> RunAsync(Repository.Repository repo, BlobId justMade, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
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
    /// The rotation that follows an application backup: none after an incomplete backup (what it could not read may
    /// only be in older ones); a rotation that fails is a warning, not a failed backup.
    /// </summary>
    public async Task<RotationOutcome> AfterBackupAsync(Repository.Repository repo, ApplicationBackupResult backup, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backup);
        if (!backup.Backup.Complete) return RotationOutcome.Skip("the backup is incomplete, so no older backup is removed");
        try { return new(await RunAsync(repo, backup.Backup.SnapshotId, ct).ConfigureAwait(false), null); }
        catch (CoffreException e) when (!ct.IsCancellationRequested)
        {
            return new(null, "failed: " + e.Message, $"rotation failed: {e.Message}; the backup is saved; run 'coffre forget' later");
        }
    }
}

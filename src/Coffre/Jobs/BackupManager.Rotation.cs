using Coffre.Application;
using Coffre.Maintenance.Retention;
using Coffre.Model;

namespace Coffre.Jobs;

public sealed partial class BackupManager
{
    /// <summary>
    /// Rotation after a backup (<see cref="ApplicationRotation"/>): the configuration's retention applied to the group
    /// of the snapshot just made, which is never removed itself. Takes an exclusive lock; removes snapshot files only.
    /// </summary>
    public async Task<ForgetResult> RotateAsync(string? destination, BlobId justMade, CancellationToken ct)
    {
        var repo = await OpenOnceAsync(destination, ct).ConfigureAwait(false);
        return await new ApplicationRotation(config, clock).RunAsync(repo, justMade, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The rotation that follows an application backup (<c>coffre backup</c>, the service's backup job), in the
    /// repository this manager opened for the backup (no second key derivation): none after an incomplete backup; a
    /// rotation that fails is a warning, not a failed backup.
    /// </summary>
    public async Task<RotationOutcome> RotateAfterBackupAsync(string? destination, ApplicationBackupResult backup, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backup);
        if (!backup.Backup.Complete) return RotationOutcome.Skip("the backup is incomplete, so no older backup is removed");
        Repository.Repository repo;
        try { repo = await OpenOnceAsync(destination, ct).ConfigureAwait(false); }
        catch (CoffreException e) when (!ct.IsCancellationRequested)
        {
            return new(null, "failed: " + e.Message, $"rotation failed: {e.Message}; the backup is saved; run 'coffre forget' later");
        }
        return await new ApplicationRotation(config, clock).AfterBackupAsync(repo, backup, ct).ConfigureAwait(false);
    }
}

using Coffre.Configuration;
using Coffre.Maintenance.Copy;
using Coffre.Maintenance.Retention;
using Coffre.Model;

namespace Coffre.Jobs;

public sealed partial class BackupManager
{
    /// <summary>Copy each regular backup to coffre.json's <c>copies</c> once it is saved (default true).</summary>
    public bool CopyAfterBackup { get; init; } = true;

    /// <summary>
    /// After a backup: the new snapshot copied into each of the configuration's copies (restic <c>copy</c>, only the
    /// blobs a copy lacks travel), then that copy's retention applied to the application's group there (its own,
    /// else the primary's; not after an incomplete backup). A copy that fails (unreachable, wrong password, locked,
    /// damaged data) is an outcome with its error, never a failed backup. <paramref name="primary"/> is the backup's
    /// repository, still locked, with its index loaded.
    /// </summary>
    private async Task<IReadOnlyList<CopyOutcome>> CopyAfterBackupAsync(Repository.Repository primary, ApplicationBackupResult backup, CancellationToken ct)
    {
        var outcomes = new List<CopyOutcome>();
        foreach (var copy in config.Copies)
        {
            var location = CopyLags.JournalName(copy);
            Step?.Invoke($"copying to {location}");
            try { outcomes.Add(await CopyOneAsync(primary, copy, backup, ct).ConfigureAwait(false)); }
            catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
            {
                outcomes.Add(new CopyOutcome(location, null, null, null, e.Message));
            }
        }
        return outcomes;
    }

    /// <summary>
    /// The storage a destination names and how to get its password: coffre.json's repository (none given), one of
    /// its copies (by name or location: its credentials and password), or another repository given by location
    /// (the environment's credentials only, the repository's password).
    /// </summary>
    private (Storage.IStorageBackend Backend, Func<byte[]> Password) OpenStorage(string? destination)
    {
        if (ConfiguredCopies.Find(config, destination) is { } copy)
            return (ConfiguredCopies.OpenBackend(copy, BackendEnvironment()), () => PasswordSource.Resolve(copy, environment));
        var env = destination is null ? BackendCredentials.Apply(BackendEnvironment(), config.Repository.Credentials, "repository") : BackendEnvironment();
        var backend = Storage.BackendOpener.Open(Storage.RepositoryLocation.Parse(destination ?? config.Repository.LocationInForce), env);
        return (backend, () => PasswordSource.Resolve(config.Repository, environment));
    }

    private async Task<CopyOutcome> CopyOneAsync(Repository.Repository primary, CopySection copy, ApplicationBackupResult backup, CancellationToken ct)
    {
        var snapshot = backup.Backup.SnapshotId;
        var backend = ConfiguredCopies.OpenBackend(copy, BackendEnvironment());
        var target = await Repository.Repository.OpenAsync(backend, PasswordSource.Resolve(copy, environment), ct).ConfigureAwait(false);
        var result = await RepositoryCopy.RunAsync(primary, target, [snapshot.ToString()], SnapshotFilter.All, clock, _ => { }, ct, sourceIndexLoaded: true).ConfigureAwait(false);
        var location = CopyLags.JournalName(copy);
        if (result.Refused.Count > 0) return new CopyOutcome(location, null, result, null, $"snapshot not copied: {result.Refused[0].Reason}");
        var there = result.Copied.Count > 0 ? result.Copied[0].Copy : result.AlreadyThere[0].Existing;
        ForgetResult? rotation = null;
        if (backup.Backup.Complete)
        {
            var made = await target.LoadSnapshotAsync(there.ToString(), ct).ConfigureAwait(false);
            rotation = await SnapshotForgetter.ForgetAsync(target, new ForgetRequest
            {
                Policy = RetentionPolicy.FromConfig(copy.Retention ?? config.Retention),
                Hosts = [made.Snapshot.Hostname],
                Tags = [[AppTag]],
                Protected = new HashSet<BlobId> { there },
            }, clock, ct).ConfigureAwait(false);
        }
        return new CopyOutcome(location, there, result, rotation, null);
    }
}

using Coffre.Repository.Locking;

namespace Coffre.Maintenance.Copy;

/// <summary>
/// A whole copy run between two opened repositories: a non-exclusive lock on each (restic 0.14 locks both sides
/// shared), the lock first and then the index, then <see cref="SnapshotCopier"/>. A lock lost on either side stops
/// the run before its next snapshot is written.
/// </summary>
public static class RepositoryCopy
{
    /// <param name="sourceIndexLoaded">The source's index is already loaded under a lock the caller holds (the backup that just wrote it).</param>
    public static async Task<CopyResult> RunAsync(Repository.Repository source, Repository.Repository destination, IReadOnlyList<string> snapshotIds,
        SnapshotFilter filter, TimeProvider clock, Action<string> say, CancellationToken ct, bool sourceIndexLoaded = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        destination.EnsureWritable();
        await using var sourceLock = sourceIndexLoaded
            ? await RepositoryLock.AcquireAsync(source, exclusive: false, clock, ct).ConfigureAwait(false)
            : await RepositoryLock.AcquireThenLoadIndexAsync(source, exclusive: false, clock, ct).ConfigureAwait(false);
        await using var destinationLock = await RepositoryLock.AcquireThenLoadIndexAsync(destination, exclusive: false, clock, ct).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, sourceLock.Lost, destinationLock.Lost);
        try
        {
            return await new SnapshotCopier(source, destination, say).RunAsync(snapshotIds, filter, stop.Token).ConfigureAwait(false);
        }
        catch (Exception) when ((sourceLock.IsLost || destinationLock.IsLost) && !ct.IsCancellationRequested)
        {
            sourceLock.ThrowIfLost();
            destinationLock.ThrowIfLost();
            throw;
        }
    }
}

using Coffre.Jobs.Drill;
using Coffre.Repository.Locking;

namespace Coffre.Jobs;

public sealed partial class BackupManager
{
    /// <summary>A restore drill (<see cref="DrillRunner"/>) under a shared repository lock: proves a backup restores, touching nothing in place.</summary>
    public async Task<DrillResult> DrillAsync(DrillRequest request, Action<string>? step, CancellationToken ct)
    {
        var repo = await OpenRepositoryAsync(request.Destination, ct).ConfigureAwait(false);
        await using var repoLock = await RepositoryLock.AcquireAsync(repo, exclusive: false, clock, ct).ConfigureAwait(false);
        return await new DrillRunner(this, config, environment, clock).RunAsync(repo, request, step, ct).ConfigureAwait(false);
    }
}

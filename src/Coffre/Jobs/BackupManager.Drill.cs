using Coffre.Application.Drill;
using Coffre.Repository;

namespace Coffre.Jobs;

public sealed partial class BackupManager
{
    /// <summary>A restore drill (<see cref="DrillRunner"/>) under a shared repository lock: proves a backup restores, touching nothing in place.</summary>
    public async Task<DrillResult> DrillAsync(DrillRequest request, Action<string>? step, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var repo = await OpenOnceAsync(request.Destination, ct).ConfigureAwait(false);
        // The session only for its shared lock (a prune must not delete what the drill reads): the drill gets a reader.
        await using var session = await repo.BeginWriteAsync(LockMode.Shared, clock, ct).ConfigureAwait(false);
        return await new DrillRunner(AppTag, config, environment, clock).RunAsync(session.Reader, request, step, ct).ConfigureAwait(false);
    }
}

using Coffre.Repository;
using Coffre.Repository.Locking;
using Coffre.Storage;

namespace Coffre.Maintenance.Retention;

/// <summary>
/// <c>forget</c>: groups the snapshots (<see cref="SnapshotGroupKey"/>), applies the policy to each group
/// (<see cref="RetentionEvaluator"/>) and removes the snapshot files the policy lets go. Only snapshot files: the data
/// they alone referenced stays in the packs until <c>prune</c>.
/// </summary>
public static class SnapshotForgetter
{
    /// <summary>The reason given for a snapshot kept only because it is protected.</summary>
    public const string ProtectedReason = "the snapshot just made";

    /// <summary>
    /// The decision for every group, without touching the repository (a pure function). Throws when a group would
    /// lose every snapshot and <see cref="ForgetRequest.AllowEmpty"/> is not set.
    /// </summary>
    public static IReadOnlyList<ForgetGroup> Plan(IEnumerable<SnapshotEntry> snapshots, ForgetRequest request, DateTimeOffset now, TimeZoneInfo localZone)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Policy.Validate();
        if (request.Policy.IsEmpty)
            throw new CoffreException("no retention policy: give --keep-* options, or a retention section in coffre.json");
        var groups = snapshots
            .Where(s => request.Hosts.Count == 0 || request.Hosts.Contains(s.Snapshot.Hostname))
            .Where(s => request.Tags.Count == 0 || request.Tags.Any(l => RetentionEvaluator.HasTags(s.Snapshot, l)))
            .GroupBy(s => SnapshotGroupKey.Of(s.Snapshot))
            .Select(g => new ForgetGroup(g.Key, Protect(RetentionEvaluator.Apply(g, request.Policy, now, localZone), request.Protected)))
            .ToList();
        groups.Sort((a, b) => SnapshotGroupKey.Compare(a.Key, b.Key));
        var emptied = groups.Where(g => g.Decision.Keep.Count == 0 && g.Decision.Remove.Count > 0).ToList();
        if (emptied.Count > 0 && !request.AllowEmpty)
            throw new CoffreException(
                $"refusing to remove all {emptied[0].Decision.Remove.Count} snapshots of {emptied[0].Key}" +
                (emptied.Count > 1 ? $" (and of {emptied.Count - 1} other group(s))" : "") +
                $" with the policy '{request.Policy}': nothing was removed; check the policy (a misspelt --keep-tag keeps nothing), or add --allow-empty");
        return groups;
    }

    /// <summary>
    /// Loads the snapshots, decides and (unless a dry run) removes. Holds an exclusive lock while it removes, as
    /// restic does; a dry run only reads and takes a non-exclusive one.
    /// </summary>
    public static async Task<ForgetResult> ForgetAsync(Repository.Repository repo, ForgetRequest request, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(clock);
        await using var repoLock = await RepositoryLock.AcquireAsync(repo, exclusive: !request.DryRun, clock, ct).ConfigureAwait(false);
        var damaged = new List<string>();
        var snapshots = await repo.LoadSnapshotsAsync(ct, damaged).ConfigureAwait(false);
        var groups = Plan(snapshots, request, clock.GetUtcNow(), clock.LocalTimeZone);
        var removed = new List<Model.BlobId>();
        if (!request.DryRun)
        {
            foreach (var s in groups.SelectMany(g => g.Decision.Remove))
            {
                try { await repo.Backend.RemoveAsync(new StorageHandle(FileType.Snapshot, s.Id.ToString()), ct).ConfigureAwait(false); }
                catch (StorageNotFoundException) { damaged.Add($"snapshot {s.Id.ToShortString()} was already gone"); }
                removed.Add(s.Id);
            }
        }
        return new ForgetResult(request.Policy, groups, removed, request.DryRun, damaged);
    }

    /// <summary>Moves protected snapshots the policy would remove back to the kept ones, with their own reason.</summary>
    private static RetentionDecision Protect(RetentionDecision d, IReadOnlySet<Model.BlobId> protectedIds)
    {
        var rescued = d.Remove.Where(s => protectedIds.Contains(s.Id)).ToList();
        if (rescued.Count == 0) return d;
        var keep = RetentionEvaluator.NewestFirst(d.Keep.Concat(rescued));
        var reasons = d.Reasons.Concat(rescued.Select(s => new KeepReason(s, [ProtectedReason], default))).ToDictionary(r => r.Snapshot.Id);
        return new RetentionDecision(keep, [.. d.Remove.Where(s => !protectedIds.Contains(s.Id))], [.. keep.Select(s => reasons[s.Id])]);
    }
}

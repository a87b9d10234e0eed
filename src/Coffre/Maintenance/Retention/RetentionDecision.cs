using Coffre.Repository;

namespace Coffre.Maintenance.Retention;

/// <summary>What a policy decides for one group: the snapshots kept and removed (newest first), and why each kept one is kept.</summary>
public sealed record RetentionDecision(IReadOnlyList<SnapshotEntry> Keep, IReadOnlyList<SnapshotEntry> Remove, IReadOnlyList<KeepReason> Reasons);

/// <summary>
/// Why a snapshot is kept (restic's <c>KeepReason</c>): the rules that match it, e.g. <c>daily snapshot</c>,
/// <c>within 30d</c>, <c>has tags [pre-restore]</c>, and the counts left after it.
/// </summary>
public sealed record KeepReason(SnapshotEntry Snapshot, IReadOnlyList<string> Matches, KeepCounters Counters);

/// <summary>How many snapshots each counted rule may still keep, after the snapshot it belongs to.</summary>
public readonly record struct KeepCounters(int Last, int Hourly, int Daily, int Weekly, int Monthly, int Yearly);

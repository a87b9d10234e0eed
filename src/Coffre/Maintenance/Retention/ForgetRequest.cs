using Coffre.Model;

namespace Coffre.Maintenance.Retention;

/// <summary>What <see cref="SnapshotForgetter"/> is asked to do.</summary>
public sealed record ForgetRequest
{
    public required RetentionPolicy Policy { get; init; }

    /// <summary>Only snapshots of these hosts are considered (empty: all).</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>Only snapshots with every tag of one of these lists are considered (empty: all).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Tags { get; init; } = [];

    /// <summary>Decide and report, remove nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Accept a decision that removes every snapshot of a group (refused otherwise: nothing is removed).</summary>
    public bool AllowEmpty { get; init; }

    /// <summary>Snapshots never removed whatever the policy says, e.g. the one a backup has just made.</summary>
    public IReadOnlySet<BlobId> Protected { get; init; } = new HashSet<BlobId>();
}

/// <summary>One group and what the policy decided for it.</summary>
public sealed record ForgetGroup(SnapshotGroupKey Key, RetentionDecision Decision);

/// <summary>
/// The outcome of a forget run: every group's decision, the snapshot files removed (none in a dry run), and warnings
/// (snapshot files that could not be read are left alone).
/// </summary>
public sealed record ForgetResult(RetentionPolicy Policy, IReadOnlyList<ForgetGroup> Groups, IReadOnlyList<BlobId> Removed, bool DryRun, IReadOnlyList<string> Warnings)
{
    public int KeepCount => Groups.Sum(g => g.Decision.Keep.Count);
    public int RemoveCount => Groups.Sum(g => g.Decision.Remove.Count);
}

namespace Coffre.Health;

/// <summary>What opening the repository taught: whether it opens, its locks, the damage this machine knows of.</summary>
/// <param name="Opened">The key and config opened with the password.</param>
/// <param name="Access">Why it did not open (missing, unreachable, wrong password), in order; empty when it opened.</param>
/// <param name="Locks">Stale or held locks.</param>
/// <param name="Damage">Damaged packs known from the damage ledger.</param>
public sealed record RepositoryHealth(bool Opened, IReadOnlyList<HealthFinding> Access, IReadOnlyList<HealthFinding> Locks, IReadOnlyList<HealthFinding> Damage)
{
    /// <summary>When the probe ran (hosts remember the result for a short time).</summary>
    public DateTimeOffset At { get; init; }
}

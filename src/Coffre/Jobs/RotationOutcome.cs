using Coffre.Maintenance.Retention;

namespace Coffre.Jobs;

/// <summary>
/// How the rotation after a backup went: what it removed (<see cref="Result"/>), or why it did not run
/// (<see cref="Skipped"/>); <see cref="Warning"/> when it failed (the backup itself is saved all the same).
/// </summary>
public sealed record RotationOutcome(ForgetResult? Result, string? Skipped, string? Warning = null)
{
    public static RotationOutcome Skip(string why) => new(null, why);
}

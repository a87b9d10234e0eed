namespace Coffre.Storage;

/// <summary>
/// How long transient storage failures are retried: exponential backoff from <see cref="InitialDelay"/>, times
/// <see cref="Multiplier"/> each attempt, capped at <see cref="MaxDelay"/>, each delay varied by ±<see cref="Jitter"/>
/// (so many clients do not retry in step), until <see cref="Budget"/> has passed since the first failure.
/// The defaults are restic's (0.5 s, ×1.5, 15 minutes in all).
/// </summary>
public sealed record RetryPolicy
{
    public static readonly RetryPolicy Default = new();

    /// <summary>No retry at all (the first transient failure is final).</summary>
    public static readonly RetryPolicy None = new() { Budget = TimeSpan.Zero };

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);
    public double Multiplier { get; init; } = 1.5;
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(1);
    public double Jitter { get; init; } = 0.5;
    public TimeSpan Budget { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The delay before retry number <paramref name="attempt"/> (1 = after the first failure), <paramref name="random"/> in [0, 1).</summary>
    public TimeSpan DelayBefore(int attempt, double random)
    {
        var baseMs = InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, Math.Max(0, attempt - 1));
        baseMs = Math.Min(baseMs, MaxDelay.TotalMilliseconds);
        var factor = 1 + Jitter * (2 * random - 1);
        return TimeSpan.FromMilliseconds(Math.Max(0, baseMs * factor));
    }
}

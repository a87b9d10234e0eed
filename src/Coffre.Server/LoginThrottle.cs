using System.Collections.Concurrent;

namespace Coffre.Server;

/// <summary>
/// Slows down password guessing per user and address: after each failure the next attempt must wait a growing delay
/// (1 s, 2 s, 4 s, 8 s), and after <see cref="MaxFailures"/> failures in a row the pair is locked out for
/// <see cref="Lockout"/>. A success clears the pair's failures. In memory: a restart forgets it.
/// </summary>
public sealed class LoginThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<(string User, string Address), State> states = new();

    private sealed record State(int Failures, DateTimeOffset NotBefore);

    /// <summary>When the pair may try again, or null when it may try now.</summary>
    public DateTimeOffset? BlockedUntil(string user, string address) =>
        states.TryGetValue((user, address), out var s) && s.NotBefore > clock.GetUtcNow() ? s.NotBefore : null;

    /// <summary>Counts a failure; returns the pair's failures in a row.</summary>
    public int Failed(string user, string address) => states.AddOrUpdate((user, address),
        _ => new State(1, clock.GetUtcNow() + Delay(1)),
        (_, s) => new State(s.Failures + 1, clock.GetUtcNow() + Delay(s.Failures + 1))).Failures;

    public void Succeeded(string user, string address) => states.TryRemove((user, address), out _);

    /// <summary>The wait after the n-th failure in a row.</summary>
    public static TimeSpan Delay(int failures) => failures >= MaxFailures ? Lockout : TimeSpan.FromSeconds(1 << (failures - 1));
}

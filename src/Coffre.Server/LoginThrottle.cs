namespace Coffre.Server;

/// <summary>
/// Slows down password guessing per client (<see cref="ClientAddress.ThrottleKey"/>: an IPv4 address, an IPv6 /64):
/// after each failure the next attempt must wait a growing delay (1 s, 2 s, 4 s, 8 s), and after
/// <see cref="MaxFailures"/> failures in a row the client is locked out for <see cref="Lockout"/>. A success clears
/// the client's failures. One client's failures never lock out another, whatever user name they type: there is one account.
/// <para>
/// <see cref="Begin"/> checks and reserves in one step: while an attempt is being checked, its client is held
/// as if it had failed, so concurrent guesses from one client get one try, not one each. At most
/// <see cref="MaxClients"/> clients are remembered; beyond that the one whose wait ends first is forgotten. In memory:
/// a restart forgets it.
/// </para>
/// </summary>
public sealed class LoginThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;
    public const int MaxClients = 10_000;
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    private readonly Lock gate = new();
    private readonly Dictionary<string, State> states = new(StringComparer.Ordinal);

    private sealed class State
    {
        public int Failures;
        public DateTimeOffset NotBefore;

        /// <summary>Attempts refused in the current wait (the first is journaled, the rest counted).</summary>
        public int Refused;
    }

    /// <summary>How many clients are remembered now.</summary>
    public int Count
    {
        get { lock (gate) return states.Count; }
    }

    /// <summary>
    /// An attempt of <paramref name="client"/>: refused (<see cref="Attempt.BlockedUntil"/>) while it must wait, else
    /// allowed, and then the client waits as if it failed until <see cref="Failed"/> or <see cref="Succeeded"/>.
    /// </summary>
    public Attempt Begin(string client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = clock.GetUtcNow();
        lock (gate)
        {
            if (!states.TryGetValue(client, out var s))
            {
                if (states.Count >= MaxClients) ForgetOne();
                states[client] = s = new State();
            }
            if (s.NotBefore > now)
            {
                s.Refused++;
                return new Attempt(s.NotBefore, s.Refused == 1, 0) { Failures = s.Failures };
            }
            var refusedEarlier = Math.Max(0, s.Refused - 1); // those after the first, never journaled one by one
            s.Refused = 0;
            s.NotBefore = now + Delay(s.Failures + 1);
            return new Attempt(null, false, refusedEarlier);
        }
    }

    /// <summary>When the client may try again, or null when it may try now.</summary>
    public DateTimeOffset? BlockedUntil(string client)
    {
        lock (gate) return states.TryGetValue(client, out var s) && s.NotBefore > clock.GetUtcNow() ? s.NotBefore : null;
    }

    /// <summary>Counts a failure of an attempt <see cref="Begin"/> allowed; returns the client's failures in a row.</summary>
    public int Failed(string client)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            if (!states.TryGetValue(client, out var s))
            {
                if (states.Count >= MaxClients) ForgetOne();
                states[client] = s = new State();
            }
            s.Failures++;
            s.NotBefore = now + Delay(s.Failures);
            return s.Failures;
        }
    }

    public void Succeeded(string client)
    {
        lock (gate) states.Remove(client);
    }

    /// <summary>The wait after the n-th failure in a row.</summary>
    public static TimeSpan Delay(int failures) => failures >= MaxFailures ? Lockout : TimeSpan.FromSeconds(1 << (Math.Max(1, failures) - 1));

    /// <summary>Makes room: the client whose wait ends first (the least restrained) is forgotten.</summary>
    private void ForgetOne()
    {
        string? victim = null;
        var earliest = DateTimeOffset.MaxValue;
        foreach (var (key, s) in states)
            if (s.NotBefore < earliest) (victim, earliest) = (key, s.NotBefore);
        if (victim is not null) states.Remove(victim);
    }

    /// <param name="BlockedUntil">Set when the attempt is refused: the client must wait until then.</param>
    /// <param name="FirstRefusal">The first refusal of this wait (journaled; later ones are only counted).</param>
    /// <param name="RefusedEarlier">Refusals of the client's previous wait that were not journaled one by one.</param>
    public readonly record struct Attempt(DateTimeOffset? BlockedUntil, bool FirstRefusal, int RefusedEarlier)
    {
        public bool Allowed => BlockedUntil is null;

        /// <summary>The client's failures in a row when refused: only <see cref="MaxFailures"/> of them is "too many".</summary>
        public int Failures { get; init; }
    }
}

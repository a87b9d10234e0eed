namespace Coffre.Alerts;

/// <summary>
/// A condition that needs someone's attention, open from the first time it was seen until a run finds it gone.
/// Repeats (same <see cref="Kind"/> and <see cref="Application"/>) update <see cref="LastSeen"/> and
/// <see cref="Count"/> instead of sending another message. Holds no secret: the message is the one-line error
/// Coffre printed.
/// </summary>
public sealed class Incident
{
    /// <summary>One of <see cref="IncidentKinds"/>.</summary>
    public required string Kind { get; init; }

    public required string Application { get; init; }

    /// <summary>The latest occurrence's message (one line).</summary>
    public required string Message { get; set; }

    public required DateTimeOffset FirstSeen { get; init; }

    public required DateTimeOffset LastSeen { get; set; }

    /// <summary>How many times the condition was seen while the incident was open.</summary>
    public int Count { get; set; } = 1;

    /// <summary>The channels (<see cref="IAlertChannel.Name"/>) that were told about it; a later repeat retries the others.</summary>
    public List<string> NotifiedChannels { get; set; } = [];

    /// <summary>When a run found the condition gone; null while open.</summary>
    public DateTimeOffset? ResolvedAt { get; set; }

    public bool IsSameAs(string kind, string application) =>
        Kind == kind && string.Equals(Application, application, StringComparison.Ordinal);
}

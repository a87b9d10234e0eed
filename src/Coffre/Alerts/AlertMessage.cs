namespace Coffre.Alerts;

/// <summary>What a channel sends: an incident that opened (or repeats unannounced), or one that is resolved.</summary>
public sealed record AlertMessage(Incident Incident, bool Resolved, string Host)
{
    /// <summary>"open" or "resolved", as the json payload writes it.</summary>
    public string State => Resolved ? "resolved" : "open";

    /// <summary>The subject line, e.g. "[coffre] web1: backup of boutique failed".</summary>
    public string Title => $"[coffre] {Host}: " + (Resolved
        ? IncidentKinds.ResolvedTitle(Incident.Kind, Incident.Application)
        : IncidentKinds.Title(Incident.Kind, Incident.Application));

    /// <summary>The body as plain text: what happened, since when, how often.</summary>
    public string Text
    {
        get
        {
            var i = Incident;
            var seen = i.Count == 1 ? $"seen once, at {Stamp(i.FirstSeen)}" : $"seen {i.Count} times, from {Stamp(i.FirstSeen)} to {Stamp(i.LastSeen)}";
            return Resolved
                ? $"Resolved at {Stamp(i.ResolvedAt ?? i.LastSeen)}. The incident was {seen}.\nLast error: {i.Message}"
                : $"{i.Message}\n\nIncident {i.Kind}, {seen}. No other message is sent until it is resolved.";
        }
    }

    internal static string Stamp(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture);
}

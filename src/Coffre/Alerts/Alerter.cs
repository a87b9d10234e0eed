namespace Coffre.Alerts;

/// <summary>
/// Opens and resolves incidents and tells the channels, once per incident: the first occurrence sends a message,
/// repeats while it is open only count (a channel that failed earlier is tried again), and the run that finds the
/// condition gone sends a "resolved" message to the channels that were told. Delivery failures are returned, never
/// thrown: an alert must not change how the run that raised it ends.
/// </summary>
public sealed class Alerter(IncidentStore store, IReadOnlyList<IAlertChannel> channels, AlertSender sender, TimeProvider clock, string host)
{
    public IncidentStore Store => store;

    /// <summary>The condition <paramref name="kind"/> holds for <paramref name="application"/>: open (or count) its incident.</summary>
    public async Task<AlertReport> RaiseAsync(string kind, string application, string message, CancellationToken ct = default)
    {
        var now = clock.GetLocalNow();
        var (incident, opened, pending) = store.Update(list =>
        {
            var open = list.FirstOrDefault(i => i.IsSameAs(kind, application));
            var isNew = open is null;
            if (open is null)
            {
                open = new Incident { Kind = kind, Application = application, Message = message, FirstSeen = now, LastSeen = now };
                list.Add(open);
            }
            else
            {
                open.Count++;
                open.LastSeen = now;
                open.Message = message;
            }
            var untold = channels.Where(c => !open.NotifiedChannels.Contains(c.Name)).ToList();
            return (Copy(open), isNew, untold);
        });

        var (sent, failures) = await DeliverAsync(pending, new AlertMessage(incident, Resolved: false, host), ct).ConfigureAwait(false);
        if (sent.Count > 0)
            store.Update(list =>
            {
                var open = list.FirstOrDefault(i => i.IsSameAs(kind, application) && i.FirstSeen == incident.FirstSeen);
                open?.NotifiedChannels.AddRange(sent.Except(open.NotifiedChannels));
                return 0;
            });
        return new AlertReport(opened ? AlertAction.Opened : AlertAction.Repeated, incident, sent, failures);
    }

    /// <summary>The condition <paramref name="kind"/> no longer holds for <paramref name="application"/>: close its incident, if one is open.</summary>
    public async Task<AlertReport> ResolveAsync(string kind, string application, CancellationToken ct = default)
    {
        var now = clock.GetLocalNow();
        var closed = store.Update(list =>
        {
            var open = list.FirstOrDefault(i => i.IsSameAs(kind, application));
            if (open is null) return null;
            list.Remove(open);
            open.ResolvedAt = now;
            return open;
        });
        if (closed is null) return new AlertReport(AlertAction.None, null, [], []);
        var told = channels.Where(c => closed.NotifiedChannels.Contains(c.Name)).ToList();
        var (sent, failures) = await DeliverAsync(told, new AlertMessage(closed, Resolved: true, host), ct).ConfigureAwait(false);
        return new AlertReport(AlertAction.Resolved, closed, sent, failures);
    }

    private async Task<(List<string> Sent, List<string> Failures)> DeliverAsync(List<IAlertChannel> targets, AlertMessage message, CancellationToken ct)
    {
        var sent = new List<string>();
        var failures = new List<string>();
        foreach (var channel in targets)
        {
            if (await sender.SendAsync(channel, message, ct).ConfigureAwait(false) is { } failure) failures.Add(failure);
            else sent.Add(channel.Name);
        }
        return (sent, failures);
    }

    private static Incident Copy(Incident i) => new()
    {
        Kind = i.Kind, Application = i.Application, Message = i.Message, FirstSeen = i.FirstSeen, LastSeen = i.LastSeen,
        Count = i.Count, NotifiedChannels = [.. i.NotifiedChannels], ResolvedAt = i.ResolvedAt,
    };
}

public enum AlertAction
{
    /// <summary>Nothing was open and nothing was raised.</summary>
    None,

    /// <summary>A new incident: the channels were sent a message.</summary>
    Opened,

    /// <summary>The incident was already open: counted; only channels that had not been told were sent a message.</summary>
    Repeated,

    /// <summary>An open incident was closed: the channels that had been told were sent a "resolved" message.</summary>
    Resolved,
}

/// <summary>What a raise or resolve did: the incident, the channels that got the message, and each delivery failure (one line, no secret).</summary>
public sealed record AlertReport(AlertAction Action, Incident? Incident, IReadOnlyList<string> Sent, IReadOnlyList<string> Failures);

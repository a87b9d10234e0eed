using Coffre.Alerts;

namespace Coffre.Tests.Alerts;

internal static class AlertTestData
{
    public static readonly DateTimeOffset First = new(2026, 1, 29, 2, 30, 0, TimeSpan.FromHours(1));

    public static AlertMessage Message(bool resolved = false, string message = "database main: pg_dump: connection refused") => new(new Incident
    {
        Kind = IncidentKinds.BackupFailed,
        Application = "boutique",
        Message = message,
        FirstSeen = First,
        LastSeen = First.AddHours(2),
        Count = 3,
        ResolvedAt = resolved ? First.AddHours(3) : null,
    }, resolved, "web1");

    /// <summary>A sender that records the waits instead of waiting.</summary>
    public static AlertSender RecordingSender(List<TimeSpan> waits, IReadOnlyList<TimeSpan>? delays = null) =>
        new(delays) { Sleep = (d, _) => { waits.Add(d); return Task.CompletedTask; } };

    /// <summary>A local port nothing listens on (bound, then released).</summary>
    public static int ClosedPort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}

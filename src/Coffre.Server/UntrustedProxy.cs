using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Coffre.Server;

/// <summary>
/// Notices a proxy that is not in <c>server.trustedProxies</c>: a login that still carries <c>X-Forwarded-For</c>
/// after the trusted proxies were applied came through one. Then every client behind it counts as the proxy's
/// address (one client can make the others wait, the journal names the proxy): one warning in the service's log,
/// and a line under Problems until a restart.
/// </summary>
public sealed class UntrustedProxy(ILogger<UntrustedProxy> log)
{
    private string? seen;

    /// <summary>The problem to show, or null when no login came through an untrusted proxy.</summary>
    public string? Problem => Volatile.Read(ref seen) is { } peer
        ? $"logins come through a proxy ({peer}) that is not in server.trustedProxies: every client behind it counts as the proxy's address, so one client's failures make the others wait. Add the proxy's address to server.trustedProxies in coffre.json."
        : null;

    public void Check(HttpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (!ctx.Request.Headers.ContainsKey("X-Forwarded-For")) return;
        var peer = ClientAddress.Display(ctx);
        if (Interlocked.CompareExchange(ref seen, peer, null) is null)
            log.LogWarning("a login came through a proxy at {Peer} that is not in server.trustedProxies: its X-Forwarded-For is ignored and every client behind it counts as {Peer}", peer, peer);
    }
}

using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Coffre.Server;

/// <summary>
/// Who sent a request: the connection's peer, or the client a trusted proxy names (<see cref="ForwardedClients"/>
/// has already replaced the peer by then). An IPv6 client is throttled by its /64 network, which one host or
/// household usually gets whole: guessing from 2^64 addresses of one network counts as one client.
/// </summary>
internal static class ClientAddress
{
    /// <summary>The address to journal, e.g. <c>203.0.113.7</c> or <c>2001:db8::1</c>; <c>unknown</c> without one.</summary>
    public static string Display(HttpContext ctx) => Normal(ctx.Connection.RemoteIpAddress)?.ToString() ?? "unknown";

    /// <summary>The key the login throttle counts failures under.</summary>
    public static string ThrottleKey(HttpContext ctx)
    {
        if (Normal(ctx.Connection.RemoteIpAddress) is not { } address) return "unknown";
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static IPAddress? Normal(IPAddress? address) => address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}

using System.Net;

namespace Coffre.Configuration;

/// <summary>One entry of <c>server.trustedProxies</c>: an address (<c>127.0.0.1</c>, <c>::1</c>) or a network (<c>10.0.0.0/8</c>).</summary>
public static class TrustedProxy
{
    /// <summary>The network an entry names (a single address is a /32 or /128); false when it is neither.</summary>
    public static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim();
        // A network with bits set after its prefix (10.0.0.1/8) is refused: it is ambiguous, and a typo trusts millions.
        if (t.Contains('/', StringComparison.Ordinal))
            return IPNetwork.TryParse(t, out network) && IPAddress.TryParse(t[..t.IndexOf('/', StringComparison.Ordinal)], out var first) && first.Equals(network.BaseAddress);
        if (!IPAddress.TryParse(t, out var address)) return false;
        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Coffre.Server;

/// <summary>
/// The bearer token Prometheus sends to <c>/metrics</c>: read from the variable server.metricsTokenEnv names, or the
/// file server.metricsTokenFile (never written in coffre.json itself). None configured: only a logged-in session
/// may read the metrics.
/// </summary>
public sealed class MetricsToken
{
    private readonly byte[]? token;

    public MetricsToken(ServerSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var server = setup.Config.Server;
        string? text = null;
        if (!string.IsNullOrEmpty(server.MetricsTokenEnv)) text = setup.GetVariable(server.MetricsTokenEnv);
        else if (!string.IsNullOrEmpty(server.MetricsTokenFile))
        {
            var file = Path.IsPathRooted(server.MetricsTokenFile) || setup.Config.FilePath is null
                ? server.MetricsTokenFile
                : Path.Combine(Path.GetDirectoryName(setup.Config.FilePath)!, server.MetricsTokenFile);
            text = File.Exists(file) ? File.ReadAllText(file) : null;
        }
        text = text?.Trim();
        if (!string.IsNullOrEmpty(text)) token = Encoding.UTF8.GetBytes(text);
    }

    public bool Configured => token is not null;

    /// <summary>Whether the request's <c>Authorization: Bearer …</c> carries the token (compared in constant time).</summary>
    public bool Accepts(string? authorization)
    {
        const string scheme = "Bearer ";
        if (token is null || authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, SHA256.HashData(token));
    }
}

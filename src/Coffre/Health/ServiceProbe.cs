using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;

namespace Coffre.Health;

/// <summary>
/// Whether the service (<c>coffre serve</c>: the dashboard, <c>/metrics</c>, and the schedule when it runs it) is up:
/// asks its <c>/health</c> on <c>server.listen</c>. Only when the application uses it: a dashboard account is
/// configured (<c>server.admin</c>) or the journal shows it ran. A service that answers needs no finding of its own:
/// its state is what the other rules say.
/// </summary>
public static class ServiceProbe
{
    /// <summary>How long <c>/health</c> may take to answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<HealthFinding>> ProbeAsync(HealthInputs inputs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!Expected(inputs)) return [];
        var listen = inputs.Config.Server.Listen ?? Configuration.ServerSection.DefaultListen;
        if (HealthUrl(listen) is not { } url) return []; // an unusable listen address: the configuration rule says so
        var fix = $"start it: 'systemctl start' its unit, or 'coffre serve{inputs.CommandSuffix}' (docs/service.md); its log says why it stopped (journalctl, coffre log)";
        string why;
        try
        {
            using var http = new HttpClient { Timeout = Timeout };
            using var response = await http.GetAsync(url, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (IsCoffreHealth(body)) return [];
            why = $"something else answers there (HTTP {(int)response.StatusCode})";
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException s)
        {
            why = s.SocketErrorCode == SocketError.ConnectionRefused ? "nothing listens there" : s.Message;
        }
        catch (HttpRequestException e) { why = e.Message; }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { why = $"no answer within {Timeout.TotalSeconds:0} s"; }
        return [HealthFinding.Attention("service-down",
            $"the service (coffre serve) of {inputs.Config.Application ?? "this application"} does not answer on {url}: {why}; the dashboard, /metrics and the jobs it schedules are down",
            fix)];
    }

    /// <summary>Whether this application runs the service: a dashboard account is configured, or a <c>serve</c> run is journaled.</summary>
    public static bool Expected(HealthInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!inputs.HasConfiguration) return false;
        return !string.IsNullOrEmpty(inputs.Config.Server.Admin.User)
            || inputs.History.Any(r => r.Operation == "serve" && inputs.Concerns(r));
    }

    /// <summary><c>http://HOST:PORT/health</c> for a listen address; a wildcard host is asked on the loopback. Null when it does not parse.</summary>
    public static Uri? HealthUrl(string listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535) return null;
        var host = listen[..colon].Trim();
        if (host.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) host = host[7..];
        host = host switch
        {
            "0.0.0.0" or "*" or "+" or "" => "127.0.0.1",
            "[::]" or "::" => "[::1]",
            _ => host,
        };
        return Uri.TryCreate($"http://{host}:{port.ToString(CultureInfo.InvariantCulture)}/health", UriKind.Absolute, out var url) ? url : null;
    }

    /// <summary>Coffre's /health body: <c>{"status":"ok"|"attention"|"failing", ...}</c>.</summary>
    private static bool IsCoffreHealth(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("status", out var status)
                && status.GetString() is "ok" or "attention" or "failing";
        }
        catch (JsonException) { return false; }
    }
}
